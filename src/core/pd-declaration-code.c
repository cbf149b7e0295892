/* pd-declaration-code.c: the declaration code and the signed declaration QR code.
 *
 * data/declaration-qr.md is the specification; keep the two in step.
 */
#define G_LOG_DOMAIN "pd-declaration"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "pd-declaration-code.h"
#include "pd-declaration-code-private.h"
#include "pd-dossier.h"
#include "pd-field.h"

G_DEFINE_QUARK (pd-declaration-error-quark, pd_declaration_error)

/* ------------------------------------------------------------------------------------------ */
/* The declaration code                                                                        */

#define CODE_VERSION    "PD1"
#define BODY_LENGTH     8
#define BODY_LIMIT      (G_GUINT64_CONSTANT (1) << (5 * BODY_LENGTH))

/* Crockford's base32: no I, L, O or U, which read like 1, 1, 0 and V. */
static const char body_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/* ISO 7064 MOD 37-2 needs 37 symbols: the 36 letters and digits and '*'. */
static const char check_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

static int
alnum_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 10;
  return -1;
}

/* ISO 7064 MOD 37-2 over the letters and digits of @text. A pure system with a prime modulus
 * catches every single substitution and every swap of neighbours; the hybrid MOD 37,36, which
 * would avoid '*', misses some swaps. */
static char
code_check_character (const char *text)
{
  int p = 0;

  for (const char *c = text; *c; c++)
    {
      int v = alnum_value (*c);

      if (v >= 0)
        p = (p + v) * 2 % 37;
    }
  return check_alphabet[(38 - p) % 37];
}

static gboolean
office_is_valid (const char *office)
{
  gsize len = office ? strlen (office) : 0;

  if (len < 2 || len > 3)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (alnum_value (office[i]) < 0)
      return FALSE;
  return TRUE;
}

char *
pd_declaration_code_build (const char  *office,
                           guint64      number,
                           GError     **error)
{
  char body[BODY_LENGTH + 1];
  g_autofree char *without_check = NULL;

  g_return_val_if_fail (number < BODY_LIMIT, NULL);

  if (!office_is_valid (office))
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT,
                   _("The office code “%s” must be 2 or 3 capital letters or digits. "
                     "Correct the office code in the preferences."), office ? office : "");
      return NULL;
    }

  for (int i = BODY_LENGTH - 1; i >= 0; i--)
    {
      body[i] = body_alphabet[number & 31];
      number >>= 5;
    }
  body[BODY_LENGTH] = '\0';

  without_check = g_strconcat (CODE_VERSION "-", office, "-", body, NULL);
  return g_strdup_printf ("%s-%c", without_check, code_check_character (without_check));
}

char *
pd_declaration_code_generate (const char  *office,
                              GError     **error)
{
  guint64 number = 0;

  randombytes_buf (&number, sizeof number);
  return pd_declaration_code_build (office, number % BODY_LIMIT, error);
}

static int
body_value (char c)
{
  const char *found = c ? strchr (body_alphabet, c) : NULL;

  return found ? (int) (found - body_alphabet) : -1;
}

char *
pd_declaration_code_parse (const char  *text,
                           char       **office_out,
                           GError     **error)
{
  char compact[32];
  gsize len = 0;
  gsize office_len;
  char office[4] = "";
  guint64 number = 0;
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p; p++)
    {
      if (*p == '-' || *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        continue;
      if (len == sizeof compact - 1 || (alnum_value (g_ascii_toupper (*p)) < 0 && *p != '*'))
        {
          len = 0;
          break;
        }
      compact[len++] = g_ascii_toupper (*p);
    }
  compact[len] = '\0';

  if (len >= 3 && memcmp (compact, "PD", 2) == 0 && compact[2] != '1' && g_ascii_isdigit (compact[2]))
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_VERSION,
                   _("The declaration code is of a later version (%c) than this Passdesk reads. "
                     "Update Passdesk."), compact[2]);
      return NULL;
    }
  /* "PD1", the office (2 or 3), the body (8) and the check character */
  if (len < 3 + 2 + BODY_LENGTH + 1 || len > 3 + 3 + BODY_LENGTH + 1 || memcmp (compact, CODE_VERSION, 3) != 0)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT,
                   _("This is not a declaration code. A declaration code looks like PD1-01-1YHVFTEJ-J; "
                     "check what was typed."));
      return NULL;
    }

  office_len = len - 3 - BODY_LENGTH - 1;
  memcpy (office, compact + 3, office_len);
  office[office_len] = '\0';
  for (gsize i = 0; i < BODY_LENGTH; i++)
    {
      int v = body_value (compact[3 + office_len + i]);

      /* Reading a typed O as 0 would let a swap with a check character O pass unnoticed, so
       * the letters the body never has are refused with a hint instead. */
      if (v < 0 && strchr ("OIL", compact[3 + office_len + i]))
        {
          g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT,
                       _("The declaration code has the letter “%c” in its middle part, which only has "
                         "digits and other letters: type the digit %c instead."),
                       compact[3 + office_len + i], compact[3 + office_len + i] == 'O' ? '0' : '1');
          return NULL;
        }
      if (v < 0)
        {
          g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT,
                       _("The declaration code has “%c”, which a declaration code never has. "
                         "Check what was typed."), compact[3 + office_len + i]);
          return NULL;
        }
      number = (number << 5) | (guint64) v;
    }

  canonical = pd_declaration_code_build (office, number, error);
  if (canonical == NULL)
    return NULL;
  if (canonical[strlen (canonical) - 1] != compact[len - 1])
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_CHECK,
                   _("The declaration code is mistyped: its last character does not match the rest. "
                     "Check each character against the printed code."));
      return NULL;
    }

  if (office_out)
    *office_out = g_strdup (office);
  return g_steal_pointer (&canonical);
}

/* ------------------------------------------------------------------------------------------ */
/* base45 (RFC 9285): every character is in the QR code's alphanumeric mode                   */

static const char base45_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

static void
base45_encode (GString      *out,
               const guint8 *data,
               gsize         length)
{
  for (gsize i = 0; i + 1 < length; i += 2)
    {
      guint n = data[i] * 256 + data[i + 1];

      g_string_append_c (out, base45_alphabet[n % 45]);
      g_string_append_c (out, base45_alphabet[n / 45 % 45]);
      g_string_append_c (out, base45_alphabet[n / 2025]);
    }
  if (length % 2)
    {
      guint n = data[length - 1];

      g_string_append_c (out, base45_alphabet[n % 45]);
      g_string_append_c (out, base45_alphabet[n / 45]);
    }
}

static GByteArray *
base45_decode (const char  *text,
               gsize        length,
               GError     **error)
{
  g_autoptr(GByteArray) out = NULL;
  signed char values[256];

  if (length % 3 == 1)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_TRUNCATED,
                   _("The declaration QR code was read incompletely. Scan it again."));
      return NULL;
    }

  memset (values, -1, sizeof values);
  for (int i = 0; i < 45; i++)
    values[(guchar) base45_alphabet[i]] = i;

  out = g_byte_array_sized_new (length / 3 * 2 + 1);
  for (gsize i = 0; i < length; i += 3)
    {
      gsize group = MIN (3, length - i);
      guint n = 0, factor = 1;

      for (gsize j = 0; j < group; j++)
        {
          int v = values[(guchar) text[i + j]];

          if (v < 0)
            {
              g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_ENCODING,
                           _("The declaration QR code has a character that does not belong in it. "
                             "Scan it again, and check that the scanner does not translate characters."));
              return NULL;
            }
          n += v * factor;
          factor *= 45;
        }
      if (n > (group == 3 ? 0xFFFFu : 0xFFu))
        {
          g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_ENCODING,
                       _("The declaration QR code is damaged. Scan it again."));
          return NULL;
        }
      if (group == 3)
        g_byte_array_append (out, (guint8[]) { n >> 8, n & 0xFF }, 2);
      else
        g_byte_array_append (out, (guint8[]) { n }, 1);
    }
  return g_steal_pointer (&out);
}

/* ------------------------------------------------------------------------------------------ */
/* The declaration QR code                                                                     */

#define QR_PREFIX "PDQ1:"
#define MAX_VALUE_LENGTH 4096

/* Wire tags of the fields in version 1. A tag, once given, never changes meaning; new fields
 * get new tags at the end, which older readers skip. */
static const struct {
  guint8  tag;
  PdField field;
} qr_tags[] = {
  {  1, PD_FIELD_FULL_NAME },
  {  2, PD_FIELD_SEX },
  {  3, PD_FIELD_BIRTH_DATE },
  {  4, PD_FIELD_BIRTH_PROVINCE },
  {  5, PD_FIELD_BIRTH_COUNTRY },
  {  6, PD_FIELD_ID_NUMBER },
  {  7, PD_FIELD_ETHNIC_GROUP },
  {  8, PD_FIELD_RELIGION },
  {  9, PD_FIELD_PHONE },
  { 10, PD_FIELD_EMAIL },
  { 11, PD_FIELD_PERMANENT_ADDRESS },
  { 12, PD_FIELD_PERMANENT_PROVINCE },
  { 13, PD_FIELD_PERMANENT_COMMUNE },
  { 14, PD_FIELD_TEMPORARY_ADDRESS },
  { 15, PD_FIELD_TEMPORARY_PROVINCE },
  { 16, PD_FIELD_TEMPORARY_COMMUNE },
  { 17, PD_FIELD_CURRENT_ADDRESS },
  { 18, PD_FIELD_CURRENT_PROVINCE },
  { 19, PD_FIELD_CURRENT_COMMUNE },
  { 20, PD_FIELD_OCCUPATION },
  { 21, PD_FIELD_EMPLOYER_NAME },
  { 22, PD_FIELD_EMPLOYER_ADDRESS },
  { 23, PD_FIELD_FATHER_NAME },
  { 24, PD_FIELD_FATHER_BIRTH_DATE },
  { 25, PD_FIELD_MOTHER_NAME },
  { 26, PD_FIELD_MOTHER_BIRTH_DATE },
  { 27, PD_FIELD_SPOUSE_NAME },
  { 28, PD_FIELD_SPOUSE_BIRTH_DATE },
  { 29, PD_FIELD_PREV_PASSPORT_NUMBER },
  { 30, PD_FIELD_PREV_PASSPORT_ISSUE_DATE },
  { 31, PD_FIELD_BANK_ACCOUNT_NUMBER },
  { 32, PD_FIELD_BANK_ACCOUNT_HOLDER },
  { 33, PD_FIELD_BANK_NAME },
  { 34, PD_FIELD_REQUEST_TYPE },
  { 35, PD_FIELD_REQUEST_REASON },
  { 36, PD_FIELD_CHIP },
  { 37, PD_FIELD_DELIVERY },
  { 38, PD_FIELD_REP_NAME },
  { 39, PD_FIELD_REP_BIRTH_DATE },
  { 40, PD_FIELD_REP_SEX },
  { 41, PD_FIELD_REP_ID_NUMBER },
  { 42, PD_FIELD_REP_ID_ISSUE_DATE },
  { 43, PD_FIELD_REP_ADDRESS },
  { 44, PD_FIELD_REP_PHONE },
  { 45, PD_FIELD_REP_RELATIONSHIP },
  { 46, PD_FIELD_DECLARATION_CODE },
  { 47, PD_FIELD_OFFICE_CODE },
  { 48, PD_FIELD_COUNTER },
  { 49, PD_FIELD_OFFICER },
  { 50, PD_FIELD_QUEUE_NUMBER },
  { 51, PD_FIELD_FEE_CODE },
  { 52, PD_FIELD_FEE_AMOUNT },
  { 53, PD_FIELD_APPOINTMENT_DATE },
};
G_STATIC_ASSERT (G_N_ELEMENTS (qr_tags) == PD_N_FIELDS);

static PdField
field_for_tag (guint tag)
{
  /* The table is in tag order starting at 1. */
  if (tag >= 1 && tag <= G_N_ELEMENTS (qr_tags))
    return qr_tags[tag - 1].field;
  return PD_FIELD_INVALID;
}

static void
put_varint (GByteArray *out,
            guint64     value)
{
  do
    {
      guint8 byte = value & 0x7F;

      value >>= 7;
      if (value)
        byte |= 0x80;
      g_byte_array_append (out, &byte, 1);
    }
  while (value);
}

static gboolean
get_varint (const guint8 **p,
            const guint8  *end,
            guint64       *value)
{
  *value = 0;
  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 byte;

      if (*p == end)
        return FALSE;
      byte = *(*p)++;
      *value |= (guint64) (byte & 0x7F) << shift;
      if (!(byte & 0x80))
        return TRUE;
    }
  return FALSE;
}

/* Runs @converter over the whole of @input. Output beyond @limit bytes stops it with
 * PD_DECLARATION_ERROR_TOO_LARGE before more memory is taken. */
static GBytes *
convert_all (GConverter    *converter,
             const guint8  *input,
             gsize          length,
             gsize          limit,
             GError       **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize position = 0;
  guint8 buffer[4096];

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gsize read = 0, written = 0;
      GConverterResult result;

      result = g_converter_convert (converter, input + position, length - position,
                                    buffer, sizeof buffer, G_CONVERTER_INPUT_AT_END,
                                    &read, &written, &local_error);
      if (result == G_CONVERTER_ERROR)
        {
          g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_CORRUPT,
                       _("The declaration in the QR code is damaged (%s). Ask the applicant for a new "
                         "printout or enter the declaration by hand."), local_error->message);
          return NULL;
        }
      position += read;
      if (out->len + written > limit)
        {
          g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_TOO_LARGE,
                       _("The declaration in the QR code expands to more than %u bytes, more than any "
                         "declaration. It was refused; enter the declaration by hand."), (guint) limit);
          return NULL;
        }
      g_byte_array_append (out, buffer, written);
      if (result == G_CONVERTER_FINISHED)
        break;
      if (read == 0 && written == 0)
        {
          g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_CORRUPT,
                       _("The declaration in the QR code is damaged (it ends too early). Ask the "
                         "applicant for a new printout or enter the declaration by hand."));
          return NULL;
        }
    }
  if (position != length)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_CORRUPT,
                   _("The declaration in the QR code is damaged (data after its end). Ask the "
                     "applicant for a new printout or enter the declaration by hand."));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
key_id_is_valid (const char *key_id,
                 gsize       length)
{
  if (length < 1 || length > PD_DECLARATION_KEY_ID_MAX)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (key_id[i]) && key_id[i] != '.' && key_id[i] != '_' && key_id[i] != '-')
      return FALSE;
  return TRUE;
}

/* What the signature covers: the prefix, so that a signature of one version can never pass
 * for another, then the header and the compressed content. */
static GBytes *
signed_message (const guint8 *header,
                gsize         header_length,
                const guint8 *body,
                gsize         body_length)
{
  GByteArray *message = g_byte_array_sized_new (strlen (QR_PREFIX) + header_length + body_length);

  g_byte_array_append (message, (const guint8 *) QR_PREFIX, strlen (QR_PREFIX));
  g_byte_array_append (message, header, header_length);
  g_byte_array_append (message, body, body_length);
  return g_byte_array_free_to_bytes (message);
}

char *
pd_declaration_qr_seal (GBytes      *deflated,
                        const char  *key_id,
                        GBytes      *secret_key,
                        GError     **error)
{
  g_autoptr(GByteArray) header = g_byte_array_new ();
  g_autoptr(GBytes) message = NULL;
  guint8 signature[crypto_sign_BYTES];
  g_autoptr(GByteArray) binary = NULL;
  GString *text;
  gsize body_length, key_id_length;
  const guint8 *body;
  guint8 byte;

  g_return_val_if_fail (deflated != NULL, NULL);
  g_return_val_if_fail (key_id != NULL, NULL);
  g_return_val_if_fail (secret_key != NULL, NULL);

  key_id_length = strlen (key_id);
  if (!key_id_is_valid (key_id, key_id_length))
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
                   _("The signing key id “%s” must be 1 to %d letters, digits, dots, dashes or underscores."),
                   key_id, PD_DECLARATION_KEY_ID_MAX);
      return NULL;
    }
  if (g_bytes_get_size (secret_key) != crypto_sign_SECRETKEYBYTES)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
                   _("The signing key has %zu bytes instead of %d. Set up the office's signing key again."),
                   g_bytes_get_size (secret_key), crypto_sign_SECRETKEYBYTES);
      return NULL;
    }

  body = g_bytes_get_data (deflated, &body_length);
  byte = key_id_length;
  g_byte_array_append (header, &byte, 1);
  g_byte_array_append (header, (const guint8 *) key_id, key_id_length);
  put_varint (header, body_length);

  message = signed_message (header->data, header->len, body, body_length);
  crypto_sign_detached (signature, NULL, g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                        g_bytes_get_data (secret_key, NULL));

  binary = g_byte_array_sized_new (header->len + sizeof signature + body_length);
  g_byte_array_append (binary, header->data, header->len);
  g_byte_array_append (binary, signature, sizeof signature);
  g_byte_array_append (binary, body, body_length);

  text = g_string_new (QR_PREFIX);
  base45_encode (text, binary->data, binary->len);
  if (text->len > PD_DECLARATION_QR_MAX_LENGTH)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_TOO_LONG,
                   _("The declaration is too long for one QR code (%zu characters). Shorten the "
                     "longest answers."), text->len);
      g_string_free (text, TRUE);
      return NULL;
    }
  return g_string_free (text, FALSE);
}

char *
pd_declaration_qr_encode (PdDossier   *dossier,
                          const char  *key_id,
                          GBytes      *secret_key,
                          gint64       signed_at,
                          GError     **error)
{
  g_autoptr(GByteArray) content = g_byte_array_new ();
  g_autoptr(GConverter) compressor = NULL;
  g_autoptr(GBytes) deflated = NULL;

  g_return_val_if_fail (PD_IS_DOSSIER (dossier), NULL);
  g_return_val_if_fail (signed_at >= 0, NULL);

  put_varint (content, signed_at);
  for (guint i = 0; i < G_N_ELEMENTS (qr_tags); i++)
    {
      const char *value = pd_dossier_get_field (dossier, qr_tags[i].field);
      gsize length;

      if (value == NULL)
        continue;
      length = strlen (value);
      if (length > MAX_VALUE_LENGTH)
        {
          g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_TOO_LONG,
                       _("The answer to “%s” is longer than %d bytes. Shorten it."),
                       pd_field_get_label (qr_tags[i].field), MAX_VALUE_LENGTH);
          return NULL;
        }
      g_byte_array_append (content, &qr_tags[i].tag, 1);
      put_varint (content, length);
      g_byte_array_append (content, (const guint8 *) value, length);
    }
  if (content->len > PD_DECLARATION_QR_MAX_CONTENT)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_TOO_LONG,
                   _("The declaration is too long for one QR code. Shorten the longest answers."));
      return NULL;
    }

  compressor = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 9));
  deflated = convert_all (compressor, content->data, content->len, G_MAXSIZE, error);
  if (deflated == NULL)
    return NULL;
  return pd_declaration_qr_seal (deflated, key_id, secret_key, error);
}

static gboolean
corrupt (GError     **error,
         const char  *what)
{
  g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_CORRUPT,
               _("The declaration in the QR code is damaged (%s). Ask the applicant for a new "
                 "printout or enter the declaration by hand."), what);
  return FALSE;
}

static gboolean
read_content (PdDeclarationQr  *qr,
              GBytes           *content,
              GError          **error)
{
  gsize length;
  const guint8 *p = g_bytes_get_data (content, &length);
  const guint8 *end;
  guint64 signed_at;
  guint last_tag = 0;

  if (length == 0)
    return corrupt (error, _("no signing time"));
  end = p + length;
  if (!get_varint (&p, end, &signed_at) || signed_at > G_MAXINT64)
    return corrupt (error, _("no signing time"));
  qr->signed_at = signed_at;

  while (p < end)
    {
      guint tag = *p++;
      guint64 value_length;
      PdField field;
      g_autofree char *value = NULL;

      /* One canonical encoding: tags ascending, each once. */
      if (tag <= last_tag)
        return corrupt (error, _("fields out of order"));
      last_tag = tag;
      if (!get_varint (&p, end, &value_length) || value_length == 0 || value_length > MAX_VALUE_LENGTH ||
          value_length > (guint64) (end - p))
        return corrupt (error, _("a field has a wrong length"));
      if (memchr (p, '\0', value_length) || !g_utf8_validate_len ((const char *) p, value_length, NULL))
        return corrupt (error, _("a field is not valid text"));

      field = field_for_tag (tag);
      if (field == PD_FIELD_INVALID)
        qr->n_unknown_fields++;
      else
        {
          value = g_strndup ((const char *) p, value_length);
          pd_dossier_set_field (qr->dossier, field, value);
        }
      p += value_length;
    }
  return TRUE;
}

PdDeclarationQr *
pd_declaration_qr_decode (const char  *text,
                          gssize       length,
                          GHashTable  *trusted_keys,
                          GError     **error)
{
  g_autoptr(GByteArray) binary = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GBytes) content = NULL;
  g_autoptr(GConverter) decompressor = NULL;
  g_autoptr(PdDeclarationQr) qr = NULL;
  g_autofree char *key_id = NULL;
  const guint8 *p, *end, *header, *signature, *body;
  guint64 body_length;
  gsize key_id_length, prefix_length = strlen (QR_PREFIX);
  GBytes *public_key;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (trusted_keys != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strnlen (text, PD_DECLARATION_QR_MAX_LENGTH + 1);
  /* Keyboard-wedge scanners end with Enter. Spaces are base45 digits, so they stay. */
  while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r'))
    length--;
  if ((gsize) length > PD_DECLARATION_QR_MAX_LENGTH)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_TOO_LONG,
                   _("The scanned text is longer than any QR code holds. Scan the declaration QR code again."));
      return NULL;
    }
  if ((gsize) length < prefix_length || memcmp (text, QR_PREFIX, prefix_length) != 0)
    {
      gsize digits = 0;

      while (3 + digits < (gsize) length && g_ascii_isdigit (text[3 + digits]))
        digits++;
      if (length >= 5 && memcmp (text, "PDQ", 3) == 0 && digits > 0 &&
          3 + digits < (gsize) length && text[3 + digits] == ':')
        g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_VERSION,
                     _("The declaration QR code is of version %.*s, which this Passdesk cannot read. "
                       "Update Passdesk."), (int) digits, text + 3);
      else
        g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT,
                     _("This is not a Passdesk declaration QR code. Scan the QR code printed on the "
                       "online declaration."));
      return NULL;
    }

  binary = base45_decode (text + prefix_length, length - prefix_length, error);
  if (binary == NULL)
    return NULL;

  p = binary->data;
  end = p + binary->len;
  header = p;
  if (p == end)
    goto truncated;
  key_id_length = *p++;
  if ((gsize) (end - p) < key_id_length)
    goto truncated;
  if (!key_id_is_valid ((const char *) p, key_id_length))
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT,
                   _("The declaration QR code names its signing key wrongly. Ask the applicant for a new printout."));
      return NULL;
    }
  key_id = g_strndup ((const char *) p, key_id_length);
  p += key_id_length;
  if (!get_varint (&p, end, &body_length))
    goto truncated;
  if ((gsize) (end - p) < crypto_sign_BYTES)
    goto truncated;
  signature = p;
  body = p + crypto_sign_BYTES;
  if ((guint64) (end - body) < body_length)
    goto truncated;
  if ((guint64) (end - body) > body_length)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_FORMAT,
                   _("The declaration QR code has data after its end. Scan only the declaration QR code."));
      return NULL;
    }

  public_key = g_hash_table_lookup (trusted_keys, key_id);
  if (public_key == NULL)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_UNKNOWN_KEY,
                   _("The declaration was signed with key “%s”, which this office does not trust. "
                     "Update the trusted keys, or enter the declaration by hand."), key_id);
      return NULL;
    }
  if (g_bytes_get_size (public_key) != crypto_sign_PUBLICKEYBYTES)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_KEY,
                   _("The trusted key “%s” has %zu bytes instead of %d. Update the trusted keys."),
                   key_id, g_bytes_get_size (public_key), crypto_sign_PUBLICKEYBYTES);
      return NULL;
    }

  message = signed_message (header, signature - header, body, body_length);
  if (crypto_sign_verify_detached (signature, g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                                   g_bytes_get_data (public_key, NULL)) != 0)
    {
      g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_BAD_SIGNATURE,
                   _("The declaration QR code's signature is not valid: it was altered or misread. "
                     "Scan it again; if it still fails, enter the declaration by hand."));
      return NULL;
    }

  decompressor = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW));
  content = convert_all (decompressor, body, body_length, PD_DECLARATION_QR_MAX_CONTENT, error);
  if (content == NULL)
    return NULL;

  qr = g_new0 (PdDeclarationQr, 1);
  qr->key_id = g_steal_pointer (&key_id);
  qr->dossier = pd_dossier_new ();
  if (!read_content (qr, content, error))
    return NULL;
  return g_steal_pointer (&qr);

truncated:
  g_set_error (error, PD_DECLARATION_ERROR, PD_DECLARATION_ERROR_TRUNCATED,
               _("The declaration QR code was read incompletely. Scan it again."));
  return NULL;
}

void
pd_declaration_qr_free (PdDeclarationQr *qr)
{
  if (qr == NULL)
    return;
  g_free (qr->key_id);
  g_clear_object (&qr->dossier);
  g_free (qr);
}
