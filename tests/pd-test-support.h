/* pd-test-support.h: fixtures shared by the tests. */
#pragma once

#include <glib.h>

#include "pd-dossier.h"
#include "pd-store.h"

G_BEGIN_DECLS

/* A fresh directory removed (with its content) when the test process exits normally. */
char      *pd_test_make_tmpdir      (void);
/* The median of @values (doubles; left in their order), for the benchmarks' figures. */
double     pd_test_median           (GArray     *values);
/* SANE loads only its "test" backend (no hardware), with @n_devices scanners drawing a colour
 * pattern. Call it before any thread starts: it sets SANE_CONFIG_DIR. */
void       pd_test_use_sane_test_backend (guint n_devices);
/* A complete, valid adult first-issue dossier. */
PdDossier *pd_test_make_dossier     (const char *full_name,
                                     const char *id_number);
/* The sex and the year of birth (1 January) that @dossier's 12-digit ID number encodes, as on
 * a real card: a form accepts it without asking about pd_validate_warnings(). */
void       pd_test_agree_with_id     (PdDossier  *dossier);
/* Each field of @actual equal to that of @expected; one that differs is named in the log. */
void       pd_test_assert_same_fields (PdDossier *expected,
                                       PdDossier *actual);
/* @dossier accepted through the intake as at a counter, by the account "officer1" signing as
 * @signer, with a photo, the ID card seen and the first paper ticked: numbered and dated, as
 * read back from @store. The store makes stand-in packets (no station key is needed). */
PdDossier *pd_test_accept           (PdStore    *store,
                                     PdDossier  *dossier,
                                     const char *signer);
/* Calls pd_core_init() and g_test_init(). */
void       pd_test_init             (int    *argc,
                                     char ***argv);

G_END_DECLS
