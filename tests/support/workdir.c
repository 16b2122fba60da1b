#include "workdir.h"

#include <stdio.h>
#include <stdlib.h>

int workdir_setup(void **state)
{
    (void)state;
    return mkdtemp(workdir) ? 0 : -1;
}

int workdir_teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", workdir);
    return system(cmd) == 0 ? 0 : -1;
}
