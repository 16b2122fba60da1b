/* A scratch folder for end-to-end tests, made from a mkdtemp template and removed after. */
#ifndef NASHRA_TEST_WORKDIR_H
#define NASHRA_TEST_WORKDIR_H

/* cmocka group setup and teardown for the folder named by the template `workdir` (a
 * "...XXXXXX" array the test file defines; mkdtemp fills it in). */
int workdir_setup(void **state);
int workdir_teardown(void **state);

extern char workdir[];

#endif
