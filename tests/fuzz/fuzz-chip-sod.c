/* fuzz-chip-sod.c: EF.SOD (CMS SignedData through OpenSSL, then the LDS security object) never
 * crashes or leaks, and passive authentication over what it accepts never says "genuine"
 * without a trust store. */
#include "config.h"

#include "pd-core.h"
#include "pd-chip-dg.h"
#include "pd-chip-pa.h"
#include "pd-tlv.h"
#include "fuzz-target.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  static const guint8 dg1[] = { 0x61, 0x03, 0x5F, 0x1F, 0x00 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(PdChipSod) sod = NULL;
  g_autoptr(GHashTable) files = NULL;
  g_autoptr(PdChipPaResult) result = NULL;

  if (!initialized)
    initialized = pd_core_init ();

  sod = pd_chip_sod_parse (bytes, &error);
  if (sod == NULL)
    {
      g_assert (error != NULL && error->domain == PD_CHIP_ERROR);
      return 0;
    }
  files = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_bytes_unref);
  g_hash_table_insert (files, GUINT_TO_POINTER (PD_CHIP_FID_DG (1)), g_bytes_new_static (dg1, sizeof dg1));
  result = pd_chip_passive_authenticate (sod, files, NULL);
  g_assert (result->outcome != PD_CHIP_PA_GENUINE);
  g_assert (result->detail != NULL && *result->detail != '\0');
  return 0;
}
