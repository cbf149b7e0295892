/* fuzz-declaration.c: the declaration code parser and the declaration QR decoder.
 *
 * The first byte picks what the rest is: a code typed by hand, a QR text, or the content of a
 * QR code that a trusted key signed, so that the decompression and the field reader behind
 * the signature are fuzzed too (a random text never has a valid signature).
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <sodium.h>

#include "pd-core.h"
#include "pd-declaration-code.h"
#include "pd-declaration-code-private.h"
#include "pd-dossier.h"
#include "fuzz-target.h"

#define KEY_ID "FUZZ-1"

typedef struct {
  GBytes     *secret_key;
  GHashTable *trusted;
} Keys;

static Keys *
get_keys (void)
{
  static Keys keys;

  if (keys.trusted == NULL)
    {
      /* A fixed key, so that seeds signed with it stay valid across runs. */
      guint8 seed[crypto_sign_SEEDBYTES] = "passdesk fuzzing key, not secret";
      guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];

      g_assert (pd_core_init ());
      crypto_sign_seed_keypair (pk, sk, seed);
      keys.secret_key = g_bytes_new (sk, sizeof sk);
      keys.trusted = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_bytes_unref);
      g_hash_table_insert (keys.trusted, (gpointer) KEY_ID, g_bytes_new (pk, sizeof pk));
    }
  return &keys;
}

static GBytes *
deflate_bytes (const guint8 *data,
               gsize         length)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));

  g_assert (g_output_stream_write_all (out, data, length, NULL, NULL, NULL));
  g_assert (g_output_stream_close (out, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static void
decode (Keys       *keys,
        const char *text,
        gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdDeclarationQr) qr = pd_declaration_qr_decode (text, length, keys->trusted, &error);

  if (qr == NULL)
    {
      g_assert (error != NULL && error->domain == PD_DECLARATION_ERROR);
      return;
    }
  g_assert (error == NULL);
  g_assert (g_str_equal (qr->key_id, KEY_ID));
  g_assert (PD_IS_DOSSIER (qr->dossier));
}

static void
seal_and_decode (Keys         *keys,
                 const guint8 *body,
                 gsize         length)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, length);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = pd_declaration_qr_seal (bytes, KEY_ID, keys->secret_key, &error);

  /* Only a body too long for one QR code is refused. */
  if (text == NULL)
    {
      g_assert (g_error_matches (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_TOO_LONG));
      return;
    }
  decode (keys, text, strlen (text));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  Keys *keys = get_keys ();

  if (size == 0)
    return 0;

  switch (data[0] % 4)
    {
    case 0:
      decode (keys, (const char *) data + 1, size - 1);
      break;

    case 1:
      seal_and_decode (keys, data + 1, size - 1);
      break;

    case 2:
      {
        g_autoptr(GBytes) deflated = deflate_bytes (data + 1, size - 1);

        seal_and_decode (keys, g_bytes_get_data (deflated, NULL), g_bytes_get_size (deflated));
      }
      break;

    default:
      {
        g_autofree char *text = g_strndup ((const char *) data + 1, size - 1);
        g_autoptr(GError) error = NULL;
        g_autofree char *office = NULL;
        g_autofree char *code = pd_declaration_code_parse (text, &office, &error);

        if (code == NULL)
          g_assert (error != NULL && error->domain == PD_DECLARATION_ERROR);
        else
          {
            g_autofree char *again = pd_declaration_code_parse (code, NULL, NULL);

            g_assert (again != NULL && g_str_equal (again, code));
            g_assert (strlen (office) == 2 || strlen (office) == 3);
          }
      }
      break;
    }
  return 0;
}
