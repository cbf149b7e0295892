/* fuzz-chip-sm.c: what a chip sends back never crashes the reader. The first byte chooses: a
 * protected response as it comes (MAC and all); a response whose data objects are the input,
 * given a right MAC, so that decryption and padding are reached; a protected command on the
 * card side; a plain APDU; a TLV header. */
#include "config.h"

#include <string.h>

#include "pd-core.h"
#include "chip/pd-chip-error.h"
#include "chip/pd-chip-sm.h"
#include "fuzz-target.h"

static const guint8 ks_enc[16] = { 0x97, 0x9E, 0xC1, 0x3B, 0x1C, 0xBF, 0xE9, 0xDC,
                                   0xD0, 0x1A, 0xB0, 0xFE, 0xD3, 0x07, 0xEA, 0xE5 };
static const guint8 ks_mac[16] = { 0xF1, 0xCB, 0x1F, 0x1F, 0xB5, 0xAD, 0xF2, 0x08,
                                   0x80, 0x6B, 0x89, 0xDC, 0x57, 0x9D, 0xC1, 0xF8 };
static const guint8 ssc[8] = { 0x88, 0x70, 0x22, 0x12, 0x0C, 0x06, 0xC2, 0x26 };

static void
check_result (GBytes *data,
              GError *error,
              gsize   input_size)
{
  if (data == NULL)
    g_assert (error != NULL && error->domain == PD_CHIP_ERROR);
  else
    g_assert (error == NULL && g_bytes_get_size (data) <= input_size);
}

/* The response with @body's data objects and the MAC the session expects next. */
static GBytes *
with_right_mac (PdChipSm     *sm,
                const guint8 *body,
                gsize         length)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  g_autoptr(GByteArray) response = g_byte_array_new ();
  guint8 next[8], mac[8];

  pd_chip_sm_get_ssc (sm, next);
  for (int i = 7; i >= 0 && ++next[i] == 0; i--)
    ;
  g_byte_array_append (input, next, 8);
  g_byte_array_append (input, body, length);
  pd_chip_pad (input);
  g_assert (pd_chip_retail_mac (ks_mac, input->data, input->len, mac));
  g_byte_array_append (response, body, length);
  g_byte_array_append (response, (const guint8 *) "\x8E\x08", 2);
  g_byte_array_append (response, mac, 8);
  g_byte_array_append (response, (const guint8 *) "\x90\x00", 2);
  return g_byte_array_free_to_bytes (g_steal_pointer (&response));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static gboolean initialized;
  g_autoptr(PdChipSm) sm = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = NULL;
  guint16 sw = 0;

  if (!initialized)
    initialized = pd_core_init ();
  if (size < 1 || size > 70000)
    return 0;
  sm = pd_chip_sm_new (ks_enc, ks_mac, ssc);

  switch (data[0] % 5)
    {
    case 0:
      out = pd_chip_sm_unwrap_response (sm, data + 1, size - 1, &sw, &error);
      check_result (out, error, size);
      break;
    case 1:
      {
        g_autoptr(GBytes) response = with_right_mac (sm, data + 1, size - 1);
        gsize length;
        const guint8 *bytes = g_bytes_get_data (response, &length);

        out = pd_chip_sm_unwrap_response (sm, bytes, length, &sw, &error);
        check_result (out, error, size);
      }
      break;
    case 2:
      out = pd_chip_sm_unwrap_command (sm, data + 1, size - 1, &error);
      check_result (out, error, size + 8);
      break;
    case 3:
      {
        PdChipApdu apdu;

        if (pd_chip_apdu_parse (data + 1, size - 1, &apdu))
          {
            g_assert (apdu.lc == 0 || (apdu.data >= data + 1 && apdu.data + apdu.lc <= data + size));
            g_assert (apdu.le <= 65536);
            /* Whatever parses can be protected and read back by the card side. */
            out = pd_chip_sm_wrap_command (sm, data + 1, size - 1, &error);
            g_assert_no_error (error);
          }
      }
      break;
    default:
      {
        guint tag;
        gsize value_length, header_length;

        if (pd_chip_tlv_header (data + 1, size - 1, &tag, &value_length, &header_length))
          g_assert (header_length <= size - 1 && header_length <= 7 && value_length < (1 << 24));
      }
      break;
    }
  return 0;
}
