/* pd-test-support.c */
#include "config.h"

#include <glib/gstdio.h>

#include "pd-core.h"
#include "pd-intake.h"
#include "pd-store-private.h"
#include "pd-uuid.h"
#include "pd-test-support.h"
#include "pd-validate.h"

static GPtrArray *tmpdirs;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
remove_tmpdirs (void)
{
  if (g_getenv ("PASSDESK_KEEP_TMP"))
    return;
  for (guint i = 0; tmpdirs && i < tmpdirs->len; i++)
    remove_tree (g_ptr_array_index (tmpdirs, i));
}

char *
pd_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *path = g_dir_make_tmp ("passdesk-test-XXXXXX", &error);

  g_assert_no_error (error);
  if (tmpdirs == NULL)
    {
      tmpdirs = g_ptr_array_new_with_free_func (g_free);
      atexit (remove_tmpdirs);
    }
  g_ptr_array_add (tmpdirs, g_strdup (path));
  return path;
}

PdDossier *
pd_test_make_dossier (const char *full_name,
                      const char *id_number)
{
  PdDossier *dossier = pd_dossier_new ();

  pd_dossier_set_field (dossier, PD_FIELD_FULL_NAME, full_name);
  pd_dossier_set_field (dossier, PD_FIELD_SEX, "M");
  pd_dossier_set_field (dossier, PD_FIELD_BIRTH_DATE, "1990-01-01");
  pd_dossier_set_field (dossier, PD_FIELD_BIRTH_PROVINCE, "01");
  pd_dossier_set_field (dossier, PD_FIELD_ID_NUMBER, id_number);
  pd_dossier_set_field (dossier, PD_FIELD_ETHNIC_GROUP, "01");
  pd_dossier_set_field (dossier, PD_FIELD_PHONE, "0912345678");
  pd_dossier_set_field (dossier, PD_FIELD_PERMANENT_ADDRESS, "Số 1 Phố Hàng Bạc");
  pd_dossier_set_field (dossier, PD_FIELD_PERMANENT_PROVINCE, "01");
  pd_dossier_set_field (dossier, PD_FIELD_PERMANENT_COMMUNE, "00070");
  pd_dossier_set_field (dossier, PD_FIELD_CURRENT_ADDRESS, "Số 1 Phố Hàng Bạc");
  pd_dossier_set_field (dossier, PD_FIELD_CURRENT_PROVINCE, "01");
  pd_dossier_set_field (dossier, PD_FIELD_CURRENT_COMMUNE, "00070");
  pd_dossier_set_field (dossier, PD_FIELD_REQUEST_TYPE, "first_issue");
  pd_dossier_set_field (dossier, PD_FIELD_CHIP, "chip");
  pd_dossier_set_field (dossier, PD_FIELD_DELIVERY, "in_person");
  return dossier;
}

void
pd_test_agree_with_id (PdDossier *dossier)
{
  const char *id = pd_dossier_get_field (dossier, PD_FIELD_ID_NUMBER);
  g_autofree char *birth = NULL;
  int code;

  g_assert_true (pd_id_number_is_valid (id));
  /* Digit 4: century and sex (0/1 the 1900s, 2/3 the 2000s; odd for a woman); 5-6: the year. */
  code = id[3] - '0';
  birth = g_strdup_printf ("%04d-01-01", 1900 + (code / 2) * 100 + (id[4] - '0') * 10 + (id[5] - '0'));
  pd_dossier_set_field (dossier, PD_FIELD_SEX, code % 2 != 0 ? "F" : "M");
  pd_dossier_set_field (dossier, PD_FIELD_BIRTH_DATE, birth);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
pd_test_median (GArray *values)
{
  g_autoptr(GArray) sorted = g_array_copy (values);
  guint n = sorted->len;

  g_assert_cmpuint (n, >, 0);
  g_array_sort (sorted, compare_doubles);
  return n % 2 ? g_array_index (sorted, double, n / 2)
               : (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2)) / 2;
}

void
pd_test_use_sane_test_backend (guint n_devices)
{
  g_autofree char *dir = pd_test_make_tmpdir ();
  g_autofree char *dll = g_build_filename (dir, "dll.conf", NULL);
  g_autofree char *conf = g_build_filename (dir, "test.conf", NULL);
  g_autofree char *options = g_strdup_printf ("number_of_devices %u\n"
                                              "test-picture \"Color pattern\"\n"
                                              "read-limit true\nread-limit-size 8192\n", n_devices);

  g_assert_true (g_file_set_contents (dll, "test\n", -1, NULL));
  g_assert_true (g_file_set_contents (conf, options, -1, NULL));
  g_setenv ("SANE_CONFIG_DIR", dir, TRUE);
}

void
pd_test_init (int    *argc,
              char ***argv)
{
  g_assert_true (pd_core_init ());
  g_test_init (argc, argv, NULL);
}

void
pd_test_assert_same_fields (PdDossier *expected,
                            PdDossier *actual)
{
  for (PdField f = 0; f < PD_N_FIELDS; f++)
    {
      if (g_strcmp0 (pd_dossier_get_field (expected, f), pd_dossier_get_field (actual, f)) != 0)
        g_test_message ("field %s differs", pd_field_get_key (f));
      g_assert_cmpstr (pd_dossier_get_field (expected, f), ==, pd_dossier_get_field (actual, f));
    }
}

static char *
stand_in_packet (PdDossier   *dossier,
                 GPtrArray   *attachments,
                 const char  *accepted_by,
                 const char  *acceptance_token,
                 gint64       accepted_at,
                 char       **packet_id,
                 gpointer     user_data,
                 GError     **error)
{
  *packet_id = pd_uuid_new_v7 ();
  return g_strdup_printf ("{\"packet_id\":\"%s\"}", *packet_id);
}

static void
accepted_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

PdDossier *
pd_test_accept (PdStore    *store,
                PdDossier  *dossier,
                const char *signer)
{
  g_autoptr(GHashTable) ticks = g_hash_table_new (g_str_hash, g_str_equal);
  PdPaperEvidence evidence = { .ticks = ticks, .id_card_seen = TRUE };
  g_autoptr(GBytes) photo = g_bytes_new_static ("\xff\xd8 not really a jpeg", 20);
  g_autoptr(PdIntake) intake = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PdDossier) accepted = NULL;
  g_autoptr(GError) error = NULL;
  PdDossier *stored;

  pd_store_set_packet_func (store, stand_in_packet, NULL, NULL);
  pd_dossier_set_photo (dossier, photo);
  g_hash_table_insert (ticks, (gpointer) "TK01", GUINT_TO_POINTER (PD_PAPER_TICK_YES));
  intake = pd_intake_new (store, dossier);
  pd_intake_set_evidence (intake, &evidence);
  pd_intake_set_signer (intake, signer);
  pd_intake_accept_async (intake, PD_ROLE_OFFICER, "officer1", "stand-in token", NULL, accepted_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  accepted = pd_intake_accept_finish (intake, result, &error);
  g_assert_no_error (error);
  stored = pd_store_get (store, pd_dossier_get_id (accepted), &error);
  g_assert_no_error (error);
  return stored;
}
