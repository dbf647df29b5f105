#include <stdio.h>
#define LONG_MACRO(x) \
    do { printf("%d", x); } while (0) // trailing \

int main(void) { /* one */ return 0; /* two
   three */ }
