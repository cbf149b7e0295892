/* make-test-chips.c: writes synthetic chips in the FID folder form, made with OpenSSL as a
 * country would make them: a test CSCA, a document signer, the data groups and an EF.SOD signed
 * over their hashes; plus the variants the tests need (changed after signing, signed under a
 * CSCA not in the store, a broken signature, a passport with a JPEG 2000 face, the CCCD with an
 * EF.CardAccess that offers PACE; the others offer only BAC).
 *
 *   make-test-chips OUTDIR FACE.jpg STAMP
 */
#include "config.h"

#include <string.h>
#include <openjpeg.h>
#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "pd-chip-document.h"
#include "pd-chip-openssl-private.h"
#include "pd-mrz.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)

#define JP2_WIDTH  64
#define JP2_HEIGHT 80

static void
put_tlv (GByteArray *out,
         guint32     tag,
         const void *data,
         gsize       length)
{
  guint8 head[8];
  guint n = 0;

  if (tag > 0xFFFF)
    head[n++] = tag >> 16;
  if (tag > 0xFF)
    head[n++] = tag >> 8;
  head[n++] = tag;
  if (length < 0x80)
    head[n++] = length;
  else if (length <= 0xFF)
    {
      head[n++] = 0x81;
      head[n++] = length;
    }
  else if (length <= 0xFFFF)
    {
      head[n++] = 0x82;
      head[n++] = length >> 8;
      head[n++] = length;
    }
  else
    {
      head[n++] = 0x83;
      head[n++] = length >> 16;
      head[n++] = length >> 8;
      head[n++] = length;
    }
  g_byte_array_append (out, head, n);
  g_byte_array_append (out, data, length);
}

static void
put_tlv_array (GByteArray *out,
               guint32     tag,
               GByteArray *content)
{
  put_tlv (out, tag, content->data, content->len);
}

static void
put_string (GByteArray *out,
            guint32     tag,
            const char *text)
{
  put_tlv (out, tag, text, strlen (text));
}

static GBytes *
wrap (guint32     tag,
      GByteArray *content)
{
  GByteArray *out = g_byte_array_new ();

  put_tlv_array (out, tag, content);
  return g_byte_array_free_to_bytes (out);
}

static EVP_PKEY *
make_key (void)
{
  return EVP_EC_gen ("P-256");
}

static void
add_extension (X509       *certificate,
               X509       *issuer,
               int         nid,
               const char *value)
{
  X509V3_CTX context;
  X509_EXTENSION *extension;

  X509V3_set_ctx (&context, issuer, certificate, NULL, NULL, 0);
  extension = X509V3_EXT_conf_nid (NULL, &context, nid, value);
  g_assert (extension != NULL);
  X509_add_ext (certificate, extension, -1);
  X509_EXTENSION_free (extension);
}

/* @issuer NULL: self-signed (a CSCA). */
static X509 *
make_certificate (const char *common_name,
                  EVP_PKEY   *key,
                  X509       *issuer,
                  EVP_PKEY   *issuer_key,
                  long        serial)
{
  X509 *certificate = X509_new ();
  X509_NAME *name = X509_NAME_new ();

  X509_set_version (certificate, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (certificate), serial);
  X509_gmtime_adj (X509_getm_notBefore (certificate), -86400);
  X509_gmtime_adj (X509_getm_notAfter (certificate), 10L * 365 * 86400);
  X509_set_pubkey (certificate, key);
  X509_NAME_add_entry_by_txt (name, "C", MBSTRING_UTF8, (const unsigned char *) "VN", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8, (const unsigned char *) "Passdesk test", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) common_name, -1, -1, 0);
  X509_set_subject_name (certificate, name);
  X509_set_issuer_name (certificate, issuer != NULL ? X509_get_subject_name (issuer) : name);
  X509_NAME_free (name);
  add_extension (certificate, issuer != NULL ? issuer : certificate, NID_subject_key_identifier, "hash");
  if (issuer == NULL)
    {
      add_extension (certificate, certificate, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
      add_extension (certificate, certificate, NID_key_usage, "critical,keyCertSign,cRLSign");
    }
  else
    {
      add_extension (certificate, issuer, NID_authority_key_identifier, "keyid");
      add_extension (certificate, issuer, NID_key_usage, "critical,digitalSignature");
    }
  g_assert (X509_sign (certificate, issuer_key != NULL ? issuer_key : key, EVP_sha256()) > 0);
  return certificate;
}

static void
write_pem (X509       *certificate,
           const char *directory)
{
  g_autofree char *path = g_build_filename (directory, "csca.pem", NULL);
  FILE *f;

  g_assert (g_mkdir_with_parents (directory, 0700) == 0);
  f = fopen (path, "w");
  g_assert (f != NULL);
  g_assert (PEM_write_X509 (f, certificate));
  fclose (f);
}

static void
append_check_digit (GString *line,
                    gsize    from,
                    gsize    length)
{
  g_string_append_c (line, pd_mrz_check_digit (line->str + from, length));
}

static void
pad (GString *line,
     gsize    width)
{
  while (line->len < width)
    g_string_append_c (line, '<');
}

/* A CCCD of 2021: document number = the last 9 digits of the personal number. */
static char *
td1_mrz (void)
{
  GString *l1 = g_string_new ("IDVNM190012345");
  GString *l2 = g_string_new ("900305");
  g_autofree char *l3 = pd_mrz_name_from_vietnamese ("Nguyễn Thị Hồng Nhung", 30);
  g_autoptr(GString) composite = g_string_new (NULL);
  char *text;

  append_check_digit (l1, 5, 9);
  g_string_append (l1, "001190012345<<");
  append_check_digit (l1, 15, 12);
  append_check_digit (l2, 0, 6);
  g_string_append (l2, "F300305");
  append_check_digit (l2, 8, 6);
  g_string_append (l2, "VNM");
  pad (l2, 29);
  g_string_append_len (composite, l1->str + 5, 25);
  g_string_append_len (composite, l2->str, 7);
  g_string_append_len (composite, l2->str + 8, 7);
  g_string_append_len (composite, l2->str + 18, 11);
  g_string_append_c (l2, pd_mrz_check_digit (composite->str, composite->len));
  text = g_strdup_printf ("%s%s%-30s", l1->str, l2->str, l3);
  g_strdelimit (text, " ", '<');
  g_string_free (l1, TRUE);
  g_string_free (l2, TRUE);
  g_assert (strlen (text) == 90);
  return text;
}

static char *
td3_mrz (void)
{
  GString *l1 = g_string_new ("P<VNM");
  GString *l2 = g_string_new ("C1234567<");
  g_autofree char *name = pd_mrz_name_from_vietnamese ("Trần Văn Minh", 39);
  g_autoptr(GString) composite = g_string_new (NULL);
  char *text;

  g_string_append (l1, name);
  pad (l1, 44);
  append_check_digit (l2, 0, 9);
  g_string_append (l2, "VNM880412");
  append_check_digit (l2, 13, 6);
  g_string_append (l2, "M330115");
  append_check_digit (l2, 21, 6);
  g_string_append (l2, "001088012345<<");
  append_check_digit (l2, 28, 14);
  g_string_append_len (composite, l2->str, 10);
  g_string_append_len (composite, l2->str + 13, 7);
  g_string_append_len (composite, l2->str + 21, 22);
  g_string_append_c (l2, pd_mrz_check_digit (composite->str, composite->len));
  text = g_strconcat (l1->str, l2->str, NULL);
  g_string_free (l1, TRUE);
  g_string_free (l2, TRUE);
  g_assert (strlen (text) == 88);
  return text;
}

static GBytes *
make_dg1 (const char *mrz)
{
  g_autoptr(GByteArray) content = g_byte_array_new ();

  put_string (content, 0x5F1F, mrz);
  return wrap (0x61, content);
}

static GBytes *
make_com (const guint8 *tags,
          gsize         n_tags)
{
  g_autoptr(GByteArray) content = g_byte_array_new ();

  put_string (content, 0x5F01, "0107");
  put_string (content, 0x5F36, "040000");
  put_tlv (content, 0x5C, tags, n_tags);
  return wrap (0x60, content);
}

static void
put_be (GByteArray *out,
        guint32     value,
        guint       bytes)
{
  for (guint i = bytes; i > 0; i--)
    {
      guint8 b = value >> (8 * (i - 1));

      g_byte_array_append (out, &b, 1);
    }
}

/* The frame size from a JPEG's SOF marker, for the 19794-5 header. */
static void
jpeg_size (GBytes *jpeg,
           guint  *width,
           guint  *height)
{
  gsize n;
  const guint8 *p = g_bytes_get_data (jpeg, &n);

  *width = *height = 0;
  for (gsize i = 2; i + 9 < n; )
    {
      if (p[i] != 0xFF)
        break;
      if (p[i + 1] >= 0xC0 && p[i + 1] <= 0xC2)
        {
          *height = (p[i + 5] << 8) | p[i + 6];
          *width = (p[i + 7] << 8) | p[i + 8];
          return;
        }
      i += 2 + ((p[i + 2] << 8) | p[i + 3]);
    }
}

static GBytes *
make_dg2 (GBytes  *image,
          gboolean jpeg2000,
          guint    width,
          guint    height)
{
  g_autoptr(GByteArray) record = g_byte_array_new ();
  g_autoptr(GByteArray) header = g_byte_array_new ();
  g_autoptr(GByteArray) template = g_byte_array_new ();
  g_autoptr(GByteArray) group = g_byte_array_new ();
  gsize image_length = g_bytes_get_size (image);
  static const guint8 zeros[16];
  static const guint8 format_owner[] = { 0x01, 0x01 }, format_type[] = { 0x00, 0x08 };

  g_byte_array_append (record, (const guint8 *) "FAC\0" "010\0", 8);
  put_be (record, 14 + 20 + 12 + image_length, 4);
  put_be (record, 1, 2);
  put_be (record, 20 + 12 + image_length, 4);
  put_be (record, 0, 2);                       /* feature points */
  put_be (record, jpeg2000 ? 1 : 2, 1);        /* gender */
  g_byte_array_append (record, zeros, 13);     /* eyes, hair, mask, expression, pose */
  put_be (record, 1, 1);                       /* full frontal */
  put_be (record, jpeg2000 ? 1 : 0, 1);        /* image data type */
  put_be (record, width, 2);
  put_be (record, height, 2);
  put_be (record, 1, 1);                       /* sRGB */
  put_be (record, 2, 1);                       /* digital camera */
  put_be (record, 0, 2);
  put_be (record, 0, 2);
  g_byte_array_append (record, g_bytes_get_data (image, NULL), image_length);

  put_tlv (header, 0x87, format_owner, 2);
  put_tlv (header, 0x88, format_type, 2);
  put_tlv_array (template, 0xA1, header);
  put_tlv_array (template, 0x5F2E, record);
  put_tlv (group, 0x02, "\x01", 1);
  put_tlv_array (group, 0x7F60, template);
  {
    g_autoptr(GByteArray) info = g_byte_array_new ();

    put_tlv_array (info, 0x7F61, group);
    return wrap (0x75, info);
  }
}

static void
put_field (GByteArray *out,
           guint8      number,
           const char *value)
{
  g_autoptr(GByteArray) field = g_byte_array_new ();

  put_tlv (field, 0x02, &number, 1);
  put_string (field, 0x0C, value);
  put_tlv_array (out, 0x30, field);
}

static GBytes *
make_dg13 (const char *residence)
{
  g_autoptr(GByteArray) fields = g_byte_array_new ();
  g_autoptr(GByteArray) parents = g_byte_array_new ();
  g_autoptr(GByteArray) parents_field = g_byte_array_new ();
  g_autoptr(GByteArray) sequence = g_byte_array_new ();
  guint8 thirteen = 13;

  /* Out of order on purpose: the reader goes by numbers. */
  put_field (fields, 2, "Nguyễn Thị Hồng Nhung");
  put_field (fields, 1, "001190012345");
  put_field (fields, 3, "05/03/1990");
  put_field (fields, 4, "Nữ");
  put_field (fields, 5, "Việt Nam");
  put_field (fields, 6, "Kinh");
  put_field (fields, 7, "Không");
  put_field (fields, 8, "Xã Tam Nông, Tỉnh Phú Thọ");
  put_field (fields, 9, residence);
  put_field (fields, 10, "Nốt ruồi C:1cm trên trước cánh mũi phải");
  put_field (fields, 11, "10/08/2021");
  put_field (fields, 12, "05/03/2030");
  put_string (parents, 0x0C, "Nguyễn Văn Hùng");
  put_string (parents, 0x0C, "Lê Thị Lan");
  put_tlv (parents_field, 0x02, &thirteen, 1);
  put_tlv_array (parents_field, 0x30, parents);
  put_tlv_array (fields, 0x30, parents_field);
  put_field (fields, 14, "Trần Văn Minh");
  put_field (fields, 15, "013456789");
  put_field (fields, 16, "");
  put_tlv_array (sequence, 0x30, fields);
  return wrap (0x6D, sequence);
}

static GBytes *
make_sod (GBytes * const *groups,
          X509           *signer,
          EVP_PKEY       *key,
          gboolean        break_signature)
{
  static const guint8 sha256_oid[] = { 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00 };
  g_autoptr(GByteArray) hashes = g_byte_array_new ();
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GByteArray) lds = g_byte_array_new ();
  g_autoptr(GByteArray) sod = g_byte_array_new ();
  g_autoptr(CMS_ContentInfo) cms = NULL;
  g_autoptr(BIO) in = NULL;
  g_autoptr(ASN1_OBJECT) type = OBJ_txt2obj ("2.23.136.1.1.1", 1);
  unsigned char *der = NULL;
  int der_length;

  for (guint n = 1; n <= 16; n++)
    {
      g_autoptr(GByteArray) entry = g_byte_array_new ();
      guint8 number = n;
      guint8 digest[32];
      gsize size;
      const void *data;

      if (groups[n] == NULL)
        continue;
      data = g_bytes_get_data (groups[n], &size);
      g_assert (EVP_Digest (data, size, digest, NULL, EVP_sha256 (), NULL));
      put_tlv (entry, 0x02, &number, 1);
      put_tlv (entry, 0x04, digest, sizeof digest);
      put_tlv_array (hashes, 0x30, entry);
    }
  put_tlv (body, 0x02, "\x00", 1);
  put_tlv (body, 0x30, sha256_oid, sizeof sha256_oid);
  put_tlv_array (body, 0x30, hashes);
  put_tlv_array (lds, 0x30, body);

  cms = CMS_sign (NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY);
  g_assert (cms != NULL);
  g_assert (CMS_set1_eContentType (cms, type));
  g_assert (CMS_add1_signer (cms, signer, key, EVP_sha256 (), CMS_BINARY | CMS_NOSMIMECAP) != NULL);
  in = BIO_new_mem_buf (lds->data, lds->len);
  g_assert (CMS_final (cms, in, NULL, CMS_BINARY));
  if (break_signature)
    {
      CMS_SignerInfo *info = sk_CMS_SignerInfo_value (CMS_get0_SignerInfos (cms), 0);
      ASN1_OCTET_STRING *signature = CMS_SignerInfo_get0_signature (info);
      g_autofree guint8 *copy = g_memdup2 (ASN1_STRING_get0_data (signature), ASN1_STRING_length (signature));

      copy[ASN1_STRING_length (signature) - 1] ^= 0x01;
      ASN1_STRING_set (signature, copy, ASN1_STRING_length (signature));
    }
  der_length = i2d_CMS_ContentInfo (cms, &der);
  g_assert (der_length > 0);
  put_tlv (sod, 0x77, der, der_length);
  OPENSSL_free (der);
  return g_byte_array_free_to_bytes (g_steal_pointer (&sod));
}

typedef struct {
  GByteArray *data;
  gsize       pos;
} MemoryOut;

static OPJ_SIZE_T
write_memory (void      *buffer,
              OPJ_SIZE_T n,
              void      *user_data)
{
  MemoryOut *out = user_data;

  if (out->pos + n > out->data->len)
    g_byte_array_set_size (out->data, out->pos + n);
  memcpy (out->data->data + out->pos, buffer, n);
  out->pos += n;
  return n;
}

static OPJ_OFF_T
skip_memory (OPJ_OFF_T n,
             void     *user_data)
{
  MemoryOut *out = user_data;

  out->pos += n;
  if (out->pos > out->data->len)
    g_byte_array_set_size (out->data, out->pos);
  return n;
}

/* The JP2 writer seeks back to patch box lengths. */
static OPJ_BOOL
seek_memory (OPJ_OFF_T n,
             void     *user_data)
{
  MemoryOut *out = user_data;

  out->pos = n;
  if (out->pos > out->data->len)
    g_byte_array_set_size (out->data, out->pos);
  return OPJ_TRUE;
}

/* A lossless JPEG 2000 (JP2 file format) of the pattern test-chip.c checks pixel by pixel. */
static GBytes *
make_jp2 (void)
{
  opj_cparameters_t parameters;
  opj_image_cmptparm_t components[3];
  opj_image_t *image;
  opj_codec_t *codec;
  opj_stream_t *stream;
  MemoryOut out = { g_byte_array_new (), 0 };

  opj_set_default_encoder_parameters (&parameters);
  parameters.tcp_numlayers = 1;
  parameters.tcp_rates[0] = 0;
  parameters.cp_disto_alloc = 1;
  parameters.numresolution = 3;
  memset (components, 0, sizeof components);
  for (guint c = 0; c < 3; c++)
    {
      components[c].dx = components[c].dy = 1;
      components[c].w = JP2_WIDTH;
      components[c].h = JP2_HEIGHT;
      components[c].prec = 8;
    }
  image = opj_image_create (3, components, OPJ_CLRSPC_SRGB);
  image->x1 = JP2_WIDTH;
  image->y1 = JP2_HEIGHT;
  for (guint y = 0; y < JP2_HEIGHT; y++)
    for (guint x = 0; x < JP2_WIDTH; x++)
      {
        image->comps[0].data[y * JP2_WIDTH + x] = (x * 4) & 0xFF;
        image->comps[1].data[y * JP2_WIDTH + x] = (y * 3) & 0xFF;
        image->comps[2].data[y * JP2_WIDTH + x] = ((x + y) * 2) & 0xFF;
      }
  codec = opj_create_compress (OPJ_CODEC_JP2);
  g_assert (opj_setup_encoder (codec, &parameters, image));
  stream = opj_stream_default_create (OPJ_FALSE);
  opj_stream_set_user_data (stream, &out, NULL);
  opj_stream_set_write_function (stream, write_memory);
  opj_stream_set_skip_function (stream, skip_memory);
  opj_stream_set_seek_function (stream, seek_memory);
  g_assert (opj_start_compress (codec, image, stream));
  g_assert (opj_encode (codec, stream));
  g_assert (opj_end_compress (codec, stream));
  opj_stream_destroy (stream);
  opj_destroy_codec (codec);
  opj_image_destroy (image);
  return g_byte_array_free_to_bytes (out.data);
}

/* @card_access (nullable) makes a chip that offers PACE; without it, one that takes only BAC. */
static void
save (const char *outdir,
      const char *name,
      GBytes     *card_access,
      GBytes     *com,
      GBytes    **groups,
      GBytes     *sod)
{
  g_autoptr(GHashTable) files = pd_chip_files_new ();
  g_autofree char *path = g_build_filename (outdir, name, NULL);
  g_autoptr(GError) error = NULL;

  if (card_access != NULL)
    g_hash_table_insert (files, GUINT_TO_POINTER (PD_CHIP_FID_CARD_ACCESS), g_bytes_ref (card_access));
  g_hash_table_insert (files, GUINT_TO_POINTER (PD_CHIP_FID_COM), g_bytes_ref (com));
  g_hash_table_insert (files, GUINT_TO_POINTER (PD_CHIP_FID_SOD), g_bytes_ref (sod));
  for (guint n = 1; n <= 16; n++)
    if (groups[n] != NULL)
      g_hash_table_insert (files, GUINT_TO_POINTER (PD_CHIP_FID_DG (n)), g_bytes_ref (groups[n]));
  if (!pd_chip_files_save_folder (files, path, &error))
    g_error ("%s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  static const guint8 cccd_tags[] = { 0x61, 0x75, 0x6D }, passport_tags[] = { 0x61, 0x75 };
  /* EF.CardAccess: a SET with one PACEInfo, id-PACE-ECDH-GM-AES-CBC-CMAC-128
   * (0.4.0.127.0.7.2.2.4.2.2), version 2, standardized domain parameters 13 (brainpoolP256r1):
   * what eID cards use. */
  static const guint8 pace_info[] = { 0x31, 0x14, 0x30, 0x12, 0x06, 0x0A, 0x04, 0x00, 0x7F, 0x00,
                                      0x07, 0x02, 0x02, 0x04, 0x02, 0x02, 0x02, 0x01, 0x02, 0x02,
                                      0x01, 0x0D };
  g_autoptr(GBytes) card_access = g_bytes_new_static (pace_info, sizeof pace_info);
  g_autoptr(EVP_PKEY) csca_key = make_key (), ds_key = make_key ();
  g_autoptr(EVP_PKEY) other_key = make_key (), other_ds_key = make_key ();
  g_autoptr(X509) csca = NULL, ds = NULL, other = NULL, other_ds = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *face_data = NULL;
  g_autofree char *td1 = td1_mrz (), *td3 = td3_mrz ();
  g_autofree char *csca_dir = NULL, *other_dir = NULL;
  g_autoptr(GBytes) face = NULL, jp2 = NULL, com = NULL, passport_com = NULL, sod = NULL;
  g_autoptr(GBytes) altered_dg13 = NULL, other_sod = NULL, broken_sod = NULL, passport_sod = NULL;
  GBytes *cccd[17] = { NULL }, *passport[17] = { NULL };
  const char *residence = "Số 12 Phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội";
  gsize face_length;
  guint width, height;

  if (argc != 4)
    g_error ("usage: %s OUTDIR FACE.jpg STAMP", argv[0]);
  if (!g_file_get_contents (argv[2], &face_data, &face_length, &error))
    g_error ("%s", error->message);
  face = g_bytes_new_take (g_steal_pointer (&face_data), face_length);

  csca = make_certificate ("CSCA Passdesk Test", csca_key, NULL, NULL, 1);
  ds = make_certificate ("Document Signer Passdesk Test", ds_key, csca, csca_key, 2);
  other = make_certificate ("CSCA Not Installed", other_key, NULL, NULL, 3);
  other_ds = make_certificate ("Document Signer Not Installed", other_ds_key, other, other_key, 4);
  csca_dir = g_build_filename (argv[1], "csca", NULL);
  other_dir = g_build_filename (argv[1], "other-csca", NULL);
  write_pem (csca, csca_dir);
  write_pem (other, other_dir);

  jpeg_size (face, &width, &height);
  com = make_com (cccd_tags, sizeof cccd_tags);
  cccd[1] = make_dg1 (td1);
  cccd[2] = make_dg2 (face, FALSE, width, height);
  cccd[13] = make_dg13 (residence);
  sod = make_sod ((GBytes * const *) cccd, ds, ds_key, FALSE);
  save (argv[1], "genuine", NULL, com, cccd, sod);
  /* The same CCCD as a newer card, which offers PACE with its CAN. */
  save (argv[1], "genuine-pace", card_access, com, cccd, sod);

  other_sod = make_sod ((GBytes * const *) cccd, other_ds, other_ds_key, FALSE);
  save (argv[1], "untrusted", NULL, com, cccd, other_sod);
  broken_sod = make_sod ((GBytes * const *) cccd, ds, ds_key, TRUE);
  save (argv[1], "badsig", NULL, com, cccd, broken_sod);

  /* The residence's province changed after signing: a well-formed DG13 the signature does not
   * cover. */
  altered_dg13 = make_dg13 ("Số 12 Phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nam");
  g_bytes_unref (cccd[13]);
  cccd[13] = g_bytes_ref (altered_dg13);
  save (argv[1], "altered", NULL, com, cccd, sod);

  jp2 = make_jp2 ();
  passport_com = make_com (passport_tags, sizeof passport_tags);
  passport[1] = make_dg1 (td3);
  passport[2] = make_dg2 (jp2, TRUE, JP2_WIDTH, JP2_HEIGHT);
  passport_sod = make_sod ((GBytes * const *) passport, ds, ds_key, FALSE);
  save (argv[1], "passport-jp2", NULL, passport_com, passport, passport_sod);

  for (guint n = 0; n <= 16; n++)
    {
      g_clear_pointer (&cccd[n], g_bytes_unref);
      g_clear_pointer (&passport[n], g_bytes_unref);
    }
  if (!g_file_set_contents (argv[3], "", 0, &error))
    g_error ("%s", error->message);
  return 0;
}
