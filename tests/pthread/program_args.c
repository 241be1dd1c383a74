/* weft's own: a program's arguments, given after "--", reach its main, and
 * the replay command a failure prints repeats them (quoted for the shell),
 * so that it fails again: without them, this program passes.
 * args: -n 'two words'
 * weft: assertion failed
 * output: the program called exit(5)
 * output: --seed 0x9f1fd9d03f0a9b4 -- -n 'two words' */
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "-n") == 0 &&
        strcmp(argv[2], "two words") == 0)
        exit(5);
    return 0;
}
