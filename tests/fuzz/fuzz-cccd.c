/* fuzz-cccd.c: the ID card QR parser never crashes, leaks or reads out of bounds, and what it
 * accepts is well-formed. */
#include "config.h"

#include <string.h>

#include "pd-cccd.h"
#include "pd-core.h"
#include "pd-dossier.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autoptr(GError) error = NULL;
  g_autoptr(PdCccd) card = NULL;
  g_autoptr(PdDossier) dossier = NULL;
  g_autoptr(GPtrArray) mismatches = NULL;
  g_auto(GStrv) warnings = NULL;

  if (!initialized)
    initialized = pd_core_init ();

  card = pd_cccd_parse ((const char *) data, size, &error);
  if (card == NULL)
    {
      g_assert (error != NULL && error->domain == PD_CCCD_ERROR);
      g_assert (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  g_assert (error == NULL);
  g_assert (strlen (card->id_number) == 12);
  g_assert (strlen (card->birth_date) == 10);
  g_assert (g_utf8_validate (card->full_name, -1, NULL) && *card->full_name);
  g_assert (g_utf8_validate (card->address, -1, NULL) && *card->address);

  warnings = pd_cccd_get_warning_messages (card);
  dossier = pd_dossier_new ();
  pd_cccd_fill_dossier (card, dossier);
  mismatches = pd_cccd_compare_dossier (card, dossier);
  g_assert (mismatches->len == 0);
  return 0;
}
