# Does a command's output (the second file) match what the doc shows (the
# first)? A shown line "..." matches any number of lines; "..." inside a
# line matches any text; everything else must be equal. Exits 0 if it
# matches.

function pattern(text,    re, c, k) {
    re = "^"
    for (k = 1; k <= length(text); k++) {
        if (substr(text, k, 3) == "...") {
            re = re ".*"
            k += 2
            continue
        }
        c = substr(text, k, 1)
        if (index("\\^$.[]|()*+?{}/", c))
            re = re "\\" c
        else
            re = re c
    }
    return re "$"
}

FNR == NR { shown[++m] = $0; next }
{ printed[++n] = $0 }

END {
    # ok[i, j]: shown lines i.. match printed lines j..
    for (j = n + 1; j >= 1; j--)
        ok[m + 1, j] = (j == n + 1)
    for (i = m; i >= 1; i--) {
        wild = shown[i] == "..."
        if (!wild && !(i in re))
            re[i] = pattern(shown[i])
        for (j = n + 1; j >= 1; j--) {
            if (wild)
                ok[i, j] = ok[i + 1, j] || (j <= n && ok[i, j + 1])
            else
                ok[i, j] = j <= n && ok[i + 1, j + 1] && printed[j] ~ re[i]
        }
    }
    exit ok[1, 1] ? 0 : 1
}
