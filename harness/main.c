/* libweft_main: the main() of a test binary, like gtest_main. Link it with
 * libweft into a binary of WEFT_TESTs to get the runner. */
#include <weft.h>

int main(int argc, char **argv)
{
    return weft_test_main(argc, argv);
}
