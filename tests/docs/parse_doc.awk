# Turns a markdown file's runnable blocks into one shell session (see
# run_doc_commands.sh for the conventions). Writes, under `out`:
#   session.sh      the commands and file blocks, in order
#   N.command       command N's text; N.expected, what the doc shows it print
#   manifest        "N<TAB>line<TAB>must exit 0<TAB>output shown" per command
#   count           the number of commands
# Variables: out (a directory), build (what the word "build" stands for),
# doc (the file's name, for messages).

function die(message) {
    printf "%s:%d: %s\n", doc, NR, message > "/dev/stderr"
    failed = 1
    exit 1
}

# The word "build" (build/x, --test-dir build) becomes the build directory.
function map_build(s,    out, before, after, i) {
    out = ""
    while ((i = index(s, "build")) > 0) {
        before = i > 1 ? substr(s, i - 1, 1) : ""
        after = substr(s, i + 5, 1)
        out = out substr(s, 1, i - 1)
        if ((before == "" || index(" \t=;|&(<>'\"", before)) &&
            (after == "" || index("/ \t;|&)'\"", after)))
            out = out build
        else
            out = out "build"
        s = substr(s, i + 5)
    }
    return out s
}

function finish_command() {
    if (!pending)
        return
    pending = 0
    printf "%s\n", command > (out "/" n ".command")
    close(out "/" n ".command")
    printf "" > (out "/" n ".expected")
    for (k = 1; k <= shown; k++)
        printf "%s\n", lines[k] > (out "/" n ".expected")
    close(out "/" n ".expected")
    has_output[n] = shown > 0
    printf "(exit $__weft_status)\n{\n%s\n} >\"$WEFT_DOC_OUT/%d.out\" 2>&1 </dev/null\n", map_build(command), n > session
    printf "__weft_status=$?\necho \"$__weft_status\" >\"$WEFT_DOC_OUT/%d.status\"\n", n > session
}

function strip_indent(line,    k) {
    for (k = 0; k < indent && substr(line, 1, 1) == " "; k++)
        line = substr(line, 2)
    return line
}

BEGIN {
    session = out "/session.sh"
    printf "__weft_status=0\n" > session
    n = 0
    mode = ""
}

{
    line = $0
    sub(/\r$/, "", line)
    trimmed = line
    sub(/^ +/, "", trimmed)
}

mode == "" && trimmed ~ /^```/ {
    indent = length(line) - length(trimmed)
    info = trimmed
    sub(/^`+/, "", info)
    split(info, words, /[ \t]+/)
    file = from = ""
    for (w in words) {
        if (words[w] ~ /^file=/)
            file = substr(words[w], 6)
        if (words[w] ~ /^from=/)
            from = substr(words[w], 6)
    }
    if (words[1] == "console") {
        mode = "console"
        block_start = n + 1
        in_command = 0
    } else if (file != "") {
        if (file !~ /^[A-Za-z0-9._\/-]+$/)
            die("file=" file ": use letters, digits, . _ / - only")
        mode = "file"
        printf "case \"$PWD/\" in \"$WEFT_DOC_SOURCE\"/*) echo '%s:%d: a file block must not write into the source tree' >&2; exit 1;; esac\n", doc, NR > session
        printf "mkdir -p \"$(dirname '%s')\" && cat >'%s' <<'WEFT_DOC_EOF'\n", file, file > session
    } else if (from != "") {
        mode = "excerpt"
        excerpts++
        excerpt_file = out "/" excerpts ".excerpt"
        printf "" > excerpt_file
        printf "%d\t%d\t%s\n", excerpts, NR, from > (out "/excerpts")
    } else {
        mode = "shown"
    }
    next
}

mode != "" && trimmed ~ /^```+[ \t]*$/ {
    if (mode == "console")
        finish_command()
    else if (mode == "file")
        printf "WEFT_DOC_EOF\n" > session
    else if (mode == "excerpt")
        close(excerpt_file)
    mode = ""
    next
}

mode == "file" {
    printf "%s\n", strip_indent(line) > session
    next
}

mode == "excerpt" {
    printf "%s\n", strip_indent(line) > excerpt_file
    next
}

mode == "console" {
    line = strip_indent(line)
    if (line == "$" || substr(line, 1, 2) == "$ ") {
        finish_command()
        n++
        pending = 1
        command = substr(line, 3)
        command_line[n] = NR
        must_succeed[n] = 1
        if (command == "echo $?" && n - 1 >= block_start)
            must_succeed[n - 1] = 0
        shown = 0
        in_command = 1
        next
    }
    if (in_command && shown == 0 && substr(line, 1, 2) == "> ") {
        command = command "\n" substr(line, 3)
        next
    }
    if (!n || n < block_start)
        die("output before the first command of a console block")
    lines[++shown] = line
    next
}

END {
    if (failed)
        exit 1
    if (mode != "")
        die("unclosed code block")
    for (k = 1; k <= n; k++)
        printf "%d\t%d\t%d\t%d\n", k, command_line[k], must_succeed[k], has_output[k] > (out "/manifest")
    printf "" >> (out "/manifest")
    printf "" >> (out "/excerpts")
    printf "%d\n", n > (out "/count")
}
