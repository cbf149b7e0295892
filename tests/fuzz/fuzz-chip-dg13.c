/* fuzz-chip-dg13.c: DG13 (the CCCD's Vietnamese details) never crashes, leaks or reads out of
 * bounds; every text it returns is valid UTF-8. */
#include "config.h"

#include "pd-core.h"
#include "pd-chip-dg13.h"
#include "pd-tlv.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(PdChipDg13) dg13 = NULL;

  if (!initialized)
    initialized = pd_core_init ();

  dg13 = pd_chip_dg13_parse (bytes, &error);
  if (dg13 == NULL)
    {
      g_assert (error != NULL && error->domain == PD_CHIP_ERROR);
      return 0;
    }
  g_assert (dg13->full_name == NULL || g_utf8_validate (dg13->full_name, -1, NULL));
  g_assert (dg13->place_of_residence == NULL || g_utf8_validate (dg13->place_of_residence, -1, NULL));
  g_assert (dg13->mother_name == NULL || g_utf8_validate (dg13->mother_name, -1, NULL));
  g_assert (dg13->birth_date == NULL || dg13->birth_date_text != NULL);
  for (guint i = 0; i < dg13->other->len; i++)
    g_assert (g_utf8_validate (g_ptr_array_index (dg13->other, i), -1, NULL));
  return 0;
}
