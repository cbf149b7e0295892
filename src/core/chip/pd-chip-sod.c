/* pd-chip-sod.c: EF.SOD read with OpenSSL's CMS parser; the LDSSecurityObject inside it with
 * the bounds-checked TLV reader. */
#define G_LOG_DOMAIN "pd-chip-sod"

#include "config.h"

#include <string.h>
#include <time.h>
#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "pd-chip-dg.h"
#include "pd-chip-openssl-private.h"
#include "pd-chip-sod.h"
#include "pd-tlv.h"

#define OID_LDS_SECURITY_OBJECT "2.23.136.1.1.1"

static gboolean
malformed (GError **error)
{
  ERR_clear_error ();
  g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MALFORMED,
               _("The chip’s security object (EF.SOD) is damaged or not as ICAO 9303 describes it, "
                 "so the chip cannot be checked. Read the chip again; if this repeats, treat the "
                 "document as not verified and check it by eye."));
  return FALSE;
}

static void
clear_hash (gpointer data)
{
  PdChipDgHash *hash = data;

  g_clear_pointer (&hash->hash, g_bytes_unref);
}

void
pd_chip_sod_free (PdChipSod *sod)
{
  if (sod == NULL)
    return;
  g_free (sod->digest);
  g_clear_pointer (&sod->hashes, g_array_unref);
  g_free (sod->signer_subject);
  g_free (sod->signer_issuer);
  g_free (sod->signer_not_before);
  g_free (sod->signer_not_after);
  g_clear_pointer (&sod->cms, CMS_ContentInfo_free);
  g_clear_pointer (&sod->signer, X509_free);
  g_clear_pointer (&sod->certificates, pd_x509_stack_free);
  g_free (sod);
}

GBytes *
pd_chip_sod_find_hash (const PdChipSod *sod,
                       guint            number)
{
  for (guint i = 0; i < sod->hashes->len; i++)
    {
      const PdChipDgHash *hash = &g_array_index (sod->hashes, PdChipDgHash, i);

      if (hash->number == number)
        return hash->hash;
    }
  return NULL;
}

static const guint8 *
tlv_start (const PdTlv *tlv)
{
  return tlv->value - (tlv->total_length - tlv->length);
}

static int
digest_nid (const PdTlv *algorithm)
{
  PdTlv oid;
  const unsigned char *p;
  g_autoptr(ASN1_OBJECT) object = NULL;
  int nid;

  if (!pd_tlv_find (algorithm, 0x06, &oid, NULL))
    return NID_undef;
  p = tlv_start (&oid);
  object = d2i_ASN1_OBJECT (NULL, &p, oid.total_length);
  if (object == NULL)
    return NID_undef;
  nid = OBJ_obj2nid (object);
  switch (nid)
    {
    case NID_sha1:
    case NID_sha224:
    case NID_sha256:
    case NID_sha384:
    case NID_sha512:
      return nid;
    default:
      return NID_undef;
    }
}

/* LDSSecurityObject ::= SEQUENCE { version INTEGER, hashAlgorithm AlgorithmIdentifier,
 * dataGroupHashValues SEQUENCE OF DataGroupHash, ldsVersionInfo … OPTIONAL } */
static gboolean
parse_lds_security_object (PdChipSod    *sod,
                           const guint8 *data,
                           gsize         size,
                           GError      **error)
{
  PdTlv root, version, algorithm, list, item, number, hash;
  PdTlvIter iter;
  GError *local = NULL;
  const EVP_MD *md;

  if (!pd_tlv_read_whole (data, size, 0x30, &root, NULL))
    return malformed (error);
  pd_tlv_iter_init (&iter, &root);
  if (!pd_tlv_iter_next (&iter, &version, NULL) || version.tag != 0x02 ||
      !pd_tlv_iter_next (&iter, &algorithm, NULL) || algorithm.tag != 0x30 ||
      !pd_tlv_iter_next (&iter, &list, NULL) || list.tag != 0x30)
    return malformed (error);

  sod->digest_nid = digest_nid (&algorithm);
  md = EVP_get_digestbynid (sod->digest_nid);
  if (md == NULL)
    {
      g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_UNSUPPORTED,
                   _("The chip’s security object uses a hash algorithm Passdesk does not accept, "
                     "so the chip cannot be checked. Treat the document as not verified and check it by eye."));
      return FALSE;
    }
  sod->digest = g_strdup (OBJ_nid2sn (sod->digest_nid));

  pd_tlv_iter_init (&iter, &list);
  while (pd_tlv_iter_next (&iter, &item, &local))
    {
      PdTlvIter fields;
      PdChipDgHash entry = { 0 };

      if (item.tag != 0x30)
        return malformed (error);
      pd_tlv_iter_init (&fields, &item);
      if (!pd_tlv_iter_next (&fields, &number, NULL) || number.tag != 0x02 || number.length != 1 ||
          !pd_tlv_iter_next (&fields, &hash, NULL) || hash.tag != 0x04 ||
          hash.length != (gsize) EVP_MD_get_size (md))
        return malformed (error);
      entry.number = number.value[0];
      if (entry.number < 1 || entry.number > 16 || pd_chip_sod_find_hash (sod, entry.number) != NULL)
        return malformed (error);
      entry.hash = g_bytes_new (hash.value, hash.length);
      g_array_append_val (sod->hashes, entry);
    }
  if (local != NULL)
    {
      g_error_free (local);
      return malformed (error);
    }
  return TRUE;
}

static char *
name_text (const X509_NAME *name)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;

  if (X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    return g_strdup ("");
  length = BIO_get_mem_data (bio, &data);
  return g_utf8_make_valid (data, length);
}

static char *
time_text (const ASN1_TIME *time)
{
  struct tm tm;

  if (!ASN1_TIME_to_tm (time, &tm))
    return g_strdup ("");
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static gboolean
find_signer (PdChipSod *sod,
             GError   **error)
{
  STACK_OF (CMS_SignerInfo) *signers = CMS_get0_SignerInfos (sod->cms);
  CMS_SignerInfo *signer;

  if (signers == NULL || sk_CMS_SignerInfo_num (signers) != 1)
    return malformed (error);
  signer = sk_CMS_SignerInfo_value (signers, 0);
  sod->certificates = CMS_get1_certs (sod->cms);
  for (int i = 0; sod->certificates != NULL && i < sk_X509_num (sod->certificates); i++)
    {
      X509 *certificate = sk_X509_value (sod->certificates, i);

      if (CMS_SignerInfo_cert_cmp (signer, certificate) == 0)
        {
          X509_up_ref (certificate);
          sod->signer = certificate;
          break;
        }
    }
  if (sod->signer == NULL)
    {
      g_set_error (error, PD_CHIP_ERROR, PD_CHIP_ERROR_MISSING,
                   _("The chip’s security object carries no document signer certificate, "
                     "so the chip cannot be checked. Treat the document as not verified and check it by eye."));
      return FALSE;
    }
  sod->signer_subject = name_text (X509_get_subject_name (sod->signer));
  sod->signer_issuer = name_text (X509_get_issuer_name (sod->signer));
  sod->signer_not_before = time_text (X509_get0_notBefore (sod->signer));
  sod->signer_not_after = time_text (X509_get0_notAfter (sod->signer));
  return TRUE;
}

PdChipSod *
pd_chip_sod_parse (GBytes  *file,
                   GError **error)
{
  g_autoptr(PdChipSod) sod = g_new0 (PdChipSod, 1);
  gsize size = 0;
  const guint8 *data = file != NULL ? g_bytes_get_data (file, &size) : NULL;
  const unsigned char *p;
  ASN1_OCTET_STRING **content;
  char oid[64];
  PdTlv root;

  sod->hashes = g_array_new (FALSE, TRUE, sizeof (PdChipDgHash));
  g_array_set_clear_func (sod->hashes, clear_hash);

  if (size > PD_CHIP_MAX_FILE_SIZE)
    {
      malformed (error);
      return NULL;
    }
  /* Only the wrapper: the CMS inside may use BER forms that OpenSSL reads and this reader
   * does not. */
  if (!pd_tlv_read (data, size, &root, error))
    return NULL;
  if (root.tag != 0x77 || root.total_length != size)
    {
      malformed (error);
      return NULL;
    }
  p = root.value;
  sod->cms = d2i_CMS_ContentInfo (NULL, &p, root.length);
  if (sod->cms == NULL || p != root.value + root.length ||
      OBJ_obj2nid (CMS_get0_type (sod->cms)) != NID_pkcs7_signed ||
      OBJ_obj2txt (oid, sizeof oid, CMS_get0_eContentType (sod->cms), 1) <= 0 ||
      strcmp (oid, OID_LDS_SECURITY_OBJECT) != 0)
    {
      malformed (error);
      return NULL;
    }
  content = CMS_get0_content (sod->cms);
  if (content == NULL || *content == NULL ||
      !parse_lds_security_object (sod, ASN1_STRING_get0_data (*content), ASN1_STRING_length (*content), error) ||
      !find_signer (sod, error))
    return NULL;
  return g_steal_pointer (&sod);
}
