/* pd-ui-test-central.c: enrolled stations for the window tests against passdesk-central. */
#define G_LOG_DOMAIN "pd-ui-test"

#include "config.h"

#include <glib/gi18n.h>

#include "pd-declaration-code.h"
#include "pd-test-support.h"
#include "pd-ui-test-central.h"

char *
pd_ui_init_with_central (int          *argc,
                         char       ***argv,
                         SyncCentral  *central,
                         guint         n_declarations)
{
  pd_test_init (argc, argv);
  textdomain (GETTEXT_PACKAGE);
  g_assert_cmpint (*argc, >=, 2);
  sync_central_init_with_declarations (central, (*argv)[1], n_declarations);
  g_free (sync_central_serve (central, NULL));
  return pd_test_make_tmpdir ();
}

static void
enrolled_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  PdDevice **device = user_data;
  g_autoptr(GError) error = NULL;

  *device = pd_device_enroll_finish (result, &error);
  g_assert_no_error (error);
}

PdStore *
pd_ui_enroll_station (SyncCentral  *central,
                      const char   *dir,
                      const char   *name,
                      const char   *role,
                      PdDevice    **device)
{
  PdStore *store = sync_open_store (dir, name);
  g_autofree char *role_arg = g_strconcat ("--role=", role, NULL);
  g_autofree char *code = sync_central_run (central, "enroll-code", "--office=HN01", role_arg, NULL);

  *device = NULL;
  pd_device_enroll_async (store, central->url, NULL, code, name, NULL, enrolled_cb, device);
  pd_ui_wait_until (pd_ui_pointer_set, device, "the enrollment");
  return store;
}

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PdOfficer **officer = user_data;
  g_autoptr(GError) error = NULL;

  *officer = pd_officer_sign_in_finish (result, &error);
  g_assert_no_error (error);
}

PdOfficer *
pd_ui_sign_in (PdStore    *store,
               PdDevice   *device,
               const char *username)
{
  g_autofree char *password = g_strconcat (username, "-demo", NULL);
  PdOfficer *officer = NULL;

  pd_officer_sign_in_async (store, device, username, password, NULL, signed_in_cb, &officer);
  pd_ui_wait_until (pd_ui_pointer_set, &officer, "the sign-in");
  g_assert_cmpstr (pd_officer_get_username (officer), ==, username);
  return officer;
}

char *
pd_ui_make_station (SyncCentral  *central,
                    const char   *dir,
                    const char   *name,
                    const char   *role,
                    const char   *username,
                    PdDevice    **device)
{
  g_autoptr(PdDevice) enrolled = NULL;
  g_autoptr(PdStore) store = pd_ui_enroll_station (central, dir, name, role, &enrolled);
  char *path = g_strdup (pd_store_get_path (store));

  if (username != NULL)
    g_object_unref (pd_ui_sign_in (store, enrolled, username));
  pd_store_close (store);
  if (device != NULL)
    *device = g_steal_pointer (&enrolled);
  return path;
}

char *
pd_ui_add_central_declaration (PdCentralDb *db,
                               const char  *office,
                               const char  *name,
                               const char  *id_number,
                               guint64      number,
                               const char  *commune)
{
  g_autoptr(PdDossier) declaration = pd_test_make_dossier (name, id_number);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = pd_declaration_code_build ("01", number, &error);
  g_autoptr(JsonNode) json = NULL;

  g_assert_no_error (error);
  /* As the citizen's card says: a form asks about a sex or a year the number disagrees with. */
  pd_test_agree_with_id (declaration);
  pd_dossier_set_field (declaration, PD_FIELD_PERMANENT_COMMUNE, commune);
  pd_dossier_set_field (declaration, PD_FIELD_CURRENT_COMMUNE, commune);
  pd_dossier_set_field (declaration, PD_FIELD_DECLARATION_CODE, code);
  json = pd_dossier_to_json (declaration, TRUE);
  g_assert_true (pd_central_db_add_declaration (db, code, office, g_get_real_time () / G_USEC_PER_SEC,
                                                json, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&code);
}
