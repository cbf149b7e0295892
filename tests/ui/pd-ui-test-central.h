/* pd-ui-test-central.h: the stations of the window tests that run against the real
 * passdesk-central on loopback (sync-test-central.h): enrolled, an officer signed in. */
#pragma once

#include "pd-central-applications.h"
#include "pd-central-db.h"
#include "pd-ui-test-support.h"
#include "sync-test-central.h"
#include "sync/pd-officer.h"

G_BEGIN_DECLS

/* pd_test_init(), with the build's translations, then a fresh central database (with
 * @n_declarations online declarations of the demo) served by the passdesk-central that is the
 * test's argument. Returns a temporary directory for the stations' stores. */
char       *pd_ui_init_with_central (int          *argc,
                                     char       ***argv,
                                     SyncCentral  *central,
                                     guint         n_declarations);
/* The store @name in @dir, enrolled as a @role station ("counter", "volunteer") of office
 * HN01; the enrollment in @device. */
PdStore    *pd_ui_enroll_station   (SyncCentral  *central,
                                    const char   *dir,
                                    const char   *name,
                                    const char   *role,
                                    PdDevice    **device);
/* @username signs in online on @store with the demo's password ("officer1-demo"). */
PdOfficer  *pd_ui_sign_in          (PdStore      *store,
                                    PdDevice     *device,
                                    const char   *username);
/* The both of them, unless @username is NULL: nobody signed in. Returns the store's path;
 * @device, unless NULL, gets the enrollment. */
char       *pd_ui_make_station     (SyncCentral  *central,
                                    const char   *dir,
                                    const char   *name,
                                    const char   *role,
                                    const char   *username,
                                    PdDevice    **device);
/* A declaration of @name (pd_test_make_dossier()), living in @commune, declared online to
 * @office as number @number; returns its code. */
char       *pd_ui_add_central_declaration (PdCentralDb *db,
                                           const char  *office,
                                           const char  *name,
                                           const char  *id_number,
                                           guint64      number,
                                           const char  *commune);

G_END_DECLS
