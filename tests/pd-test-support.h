/* pd-test-support.h: fixtures shared by the tests. */
#pragma once

#include <glib.h>

#include "pd-dossier.h"

G_BEGIN_DECLS

/* A fresh directory removed (with its content) when the test process exits normally. */
char      *pd_test_make_tmpdir      (void);
/* A complete, valid adult first-issue dossier. */
PdDossier *pd_test_make_dossier     (const char *full_name,
                                     const char *id_number);
/* Calls pd_core_init() and g_test_init(). */
void       pd_test_init             (int    *argc,
                                     char ***argv);

G_END_DECLS
