/* fuzz-scan-router.c: the scan router on whatever a keyboard scanner, the camera or a SANE page
 * hands over. The first byte forces a kind (or leaves it to the classifier, as the counter
 * does); the rest is the text. A read scan is then compared with and filled into dossiers, as
 * the form does, so that every parser's result goes through the code that uses it. */
#include "config.h"

#include <string.h>
#include <sodium.h>

#include "pd-core.h"
#include "pd-dossier.h"
#include "pd-scan-router.h"
#include "fuzz-target.h"

static GHashTable *
trusted_keys (void)
{
  static GHashTable *trusted;

  if (trusted == NULL)
    {
      /* The key of fuzz-declaration.c, so that its signed seeds read here too. */
      guint8 seed[crypto_sign_SEEDBYTES] = "passdesk fuzzing key, not secret";
      guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];

      g_assert (pd_core_init ());
      crypto_sign_seed_keypair (pk, sk, seed);
      trusted = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_bytes_unref);
      g_hash_table_insert (trusted, (gpointer) "FUZZ-1", g_bytes_new (pk, sizeof pk));
    }
  return trusted;
}

static void
use_scan (const PdScan *scan)
{
  g_autoptr(PdDossier) person = pd_scan_get_person (scan);
  g_autoptr(PdDossier) filled = pd_dossier_new ();
  g_autoptr(PdDossier) other = pd_dossier_new ();
  g_autoptr(GPtrArray) mismatches = NULL;
  g_autoptr(GArray) set = NULL;

  pd_scan_is_valid (scan);
  g_assert (scan->kind != PD_SCAN_KIND_UNKNOWN);
  g_assert (g_utf8_validate (pd_scan_kind_to_string (scan->kind), -1, NULL));

  pd_dossier_set_field (other, PD_FIELD_FULL_NAME, "Nguyễn Văn An");
  pd_dossier_set_field (other, PD_FIELD_ID_NUMBER, "001090123456");
  pd_dossier_set_field (other, PD_FIELD_BIRTH_DATE, "1990-01-01");
  mismatches = pd_scan_compare_dossier (scan, other);
  g_assert (mismatches != NULL);
  set = pd_scan_fill_empty (scan, filled);
  g_assert (set != NULL);
  /* What was filled in is what the scan says about the person. */
  if (person != NULL)
    for (guint i = 0; i < set->len; i++)
      {
        PdField field = g_array_index (set, PdField, i);

        g_assert_cmpstr (pd_dossier_get_field (filled, field), ==, pd_dossier_get_field (person, field));
      }
  else
    g_assert_cmpuint (set->len, ==, 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  GHashTable *trusted = trusted_keys ();
  g_autoptr(GDate) today = g_date_new_dmy (7, G_DATE_DECEMBER, 2026);
  g_autoptr(GError) error = NULL;
  g_autoptr(PdScan) scan = NULL;
  g_autofree char *text = NULL;
  PdScanKind kind;

  if (size == 0)
    return 0;
  kind = data[0] % 5;
  text = g_strndup ((const char *) data + 1, size - 1);

  pd_scan_classify ((const char *) data + 1, size - 1);
  pd_scan_text_is_partial_mrz (text);

  scan = pd_scan_read ((const char *) data + 1, size - 1, kind, trusted, today, &error);
  if (scan == NULL)
    {
      g_assert (error != NULL);
      g_assert (g_utf8_validate (error->message, -1, NULL) && *error->message != '\0');
      pd_scan_error_is_check (error);
      return 0;
    }
  g_assert (error == NULL);
  g_assert (kind == PD_SCAN_KIND_UNKNOWN || scan->kind == kind);
  use_scan (scan);
  return 0;
}
