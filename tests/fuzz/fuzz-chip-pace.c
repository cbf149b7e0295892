/* fuzz-chip-pace.c: what a chip sends during PACE never crashes either side. The first byte
 * chooses: an EF.CardAccess (OpenPACE's parser); a General Authenticate answer's data objects;
 * MSE:Set AT's data on the card side; the reader's mapping data at the card's second step (an
 * elliptic curve point OpenPACE decodes); or a whole PACE run on the reader's side against the
 * input's answers (each a length byte, the bytes, and a status word). */
#include "config.h"

#include <string.h>

#include "pd-core.h"
#include "chip/pd-chip-error.h"
#include "chip/pd-chip-pace.h"
#include "fuzz-target.h"

/* id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1. */
static const guint8 card_access[] = { 0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00,
                                      0x07, 0x02, 0x02, 0x04, 0x02, 0x02, 0x02, 0x01, 0x02, 0x02,
                                      0x01, 0x0D };
static const guint8 set_at_can[] = { 0x80, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04,
                                     0x02, 0x02, 0x83, 0x01, 0x02, 0x84, 0x01, 0x0D };

typedef struct {
  const guint8 *data;
  gsize         left;
} Script;

static GBytes *
scripted_answer (const guint8  *apdu,
                 gsize          length,
                 guint16       *sw,
                 gpointer       user_data,
                 GError       **error)
{
  Script *script = user_data;
  gsize n;
  GBytes *answer;

  if (script->left < 3 || script->left - 3 < script->data[0])
    {
      g_set_error_literal (error, PD_CHIP_ERROR, PD_CHIP_ERROR_REMOVED, "the script ended");
      return NULL;
    }
  n = script->data[0];
  answer = g_bytes_new (script->data + 1, n);
  *sw = script->data[1 + n] << 8 | script->data[2 + n];
  script->data += 3 + n;
  script->left -= 3 + n;
  return answer;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autoptr(GBytes) access = NULL;
  g_autoptr(GError) error = NULL;

  if (!initialized)
    initialized = pd_core_init ();
  if (size < 1)
    return 0;
  access = g_bytes_new_static (card_access, sizeof card_access);

  switch (data[0] % 5)
    {
    case 0:
      {
        g_autoptr(GBytes) input = g_bytes_new (data + 1, size - 1);

        pd_chip_pace_offered (input);
        break;
      }
    case 1:
      for (guint tag = 0x80; tag <= 0x86; tag++)
        {
          const guint8 *value;
          gsize value_length;

          if (pd_chip_pace_find_object (data + 1, size - 1, tag, &value, &value_length))
            g_assert (value > data + 1 && value + value_length <= data + size);
        }
      break;
    case 2:
      {
        g_autoptr(PdChipPaceCard) card = pd_chip_pace_card_new (access, "123456", NULL);

        pd_chip_pace_card_set_at (card, data + 1, size - 1);
        break;
      }
    case 3:
      {
        g_autoptr(PdChipPaceCard) card = pd_chip_pace_card_new (access, "123456", NULL);
        g_autoptr(GByteArray) out = g_byte_array_new ();
        PdChipSm *sm = NULL;

        g_assert (pd_chip_pace_card_set_at (card, set_at_can, sizeof set_at_can) == 0x9000);
        g_assert (pd_chip_pace_card_authenticate (card, (const guint8 *) "\x7C\x00", 2, out, &sm) == 0x9000);
        g_byte_array_set_size (out, 0);
        pd_chip_pace_card_authenticate (card, data + 1, size - 1, out, &sm);
        g_assert (sm == NULL);
        break;
      }
    case 4:
      {
        g_autoptr(PdChipBacKey) key = pd_chip_bac_key_new_for_can ("123456", &error);
        Script script = { data + 1, size - 1 };
        gboolean refused;
        PdChipSm *sm;

        g_assert_no_error (error);
        sm = pd_chip_pace_run (access, key, scripted_answer, &script, &refused, &error);
        if (sm == NULL)
          g_assert (error != NULL && error->domain == PD_CHIP_ERROR);
        pd_chip_sm_free (sm);
        break;
      }
    default:
      g_assert_not_reached ();
    }
  return 0;
}
