/* pd-chip-pa.c: passive authentication with OpenSSL. The signature and the chain are checked
 * apart, so that "signed by someone we cannot trace" never reads like "changed". */
#define G_LOG_DOMAIN "pd-chip-pa"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>

#include "pd-chip-dg.h"
#include "pd-chip-openssl-private.h"
#include "pd-chip-pa.h"
#include "pd-chip-trust-private.h"

void
pd_chip_pa_result_free (PdChipPaResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->data_groups, g_array_unref);
  g_free (result->detail);
  g_free (result);
}

const char *
pd_chip_pa_outcome_to_string (PdChipPaOutcome outcome)
{
  switch (outcome)
    {
    case PD_CHIP_PA_GENUINE: return "genuine";
    case PD_CHIP_PA_NOT_VERIFIABLE: return "not-verifiable";
    case PD_CHIP_PA_ALTERED: return "altered";
    default: g_return_val_if_reached ("altered");
    }
}

static gboolean
hash_matches (const PdChipSod *sod,
              GBytes          *file,
              GBytes          *expected)
{
  const EVP_MD *md = EVP_get_digestbynid (sod->digest_nid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  gsize size = 0;
  const void *data = g_bytes_get_data (file, &size);

  if (md == NULL || !EVP_Digest (data, size, digest, &length, md, NULL))
    return FALSE;
  return length == g_bytes_get_size (expected) &&
         CRYPTO_memcmp (digest, g_bytes_get_data (expected, NULL), length) == 0;
}

static void
check_data_groups (PdChipPaResult  *result,
                   const PdChipSod *sod,
                   GHashTable      *files,
                   GString         *problems)
{
  for (guint number = 1; number <= 16; number++)
    {
      GBytes *file = files != NULL ? g_hash_table_lookup (files, GUINT_TO_POINTER (PD_CHIP_FID_DG (number))) : NULL;
      GBytes *expected;
      PdChipDgCheck check = { number, PD_CHIP_DG_HASH_MATCH };

      if (file == NULL)
        continue;
      expected = pd_chip_sod_find_hash (sod, number);
      if (expected == NULL)
        {
          check.state = PD_CHIP_DG_HASH_NOT_SIGNED;
          g_string_append_printf (problems, _("Data group %u is not covered by the document’s signature."), number);
          g_string_append_c (problems, '\n');
        }
      else if (!hash_matches (sod, file, expected))
        {
          check.state = PD_CHIP_DG_HASH_MISMATCH;
          g_string_append_printf (problems, _("Data group %u was changed after signing."), number);
          g_string_append_c (problems, '\n');
        }
      g_array_append_val (result->data_groups, check);
    }
}

static gboolean
signature_holds (const PdChipSod *sod)
{
  /* Checks the signed attributes' messageDigest against the eContent and the signature over
   * the attributes; the chain is checked apart (CMS_NO_SIGNER_CERT_VERIFY). */
  gboolean ok = CMS_verify (sod->cms, NULL, NULL, NULL, NULL,
                            CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) == 1;

  ERR_clear_error ();
  return ok;
}

/* 0 when the signer chains to the store, else OpenSSL's verify error. */
static int
chain_error (const PdChipSod *sod,
             PdChipTrust     *trust)
{
  g_autoptr(X509_STORE_CTX) context = X509_STORE_CTX_new ();
  int result;

  if (context == NULL ||
      !X509_STORE_CTX_init (context, pd_chip_trust_get_store (trust), sod->signer, sod->certificates))
    return X509_V_ERR_UNSPECIFIED;
  /* Whatever the office put in the store is an anchor, a CSCA link certificate included. */
  X509_STORE_CTX_set_flags (context, X509_V_FLAG_PARTIAL_CHAIN);
  result = X509_verify_cert (context) == 1 ? X509_V_OK : X509_STORE_CTX_get_error (context);
  ERR_clear_error ();
  return result;
}

static const char *
chain_problem (int error)
{
  switch (error)
    {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return _("The signer is not in the trust store: add the issuing country’s CSCA certificate "
               "to check it.");
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
      return _("The signer’s certificate, or its CSCA’s, is outside its validity period.");
    default:
      return _("The signer’s certificate chain to the trust store does not verify.");
    }
}

PdChipPaResult *
pd_chip_passive_authenticate (const PdChipSod *sod,
                              GHashTable      *files,
                              PdChipTrust     *trust)
{
  g_autoptr(PdChipPaResult) result = g_new0 (PdChipPaResult, 1);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(PdChipTrust) empty = NULL;
  int chain;

  g_return_val_if_fail (sod != NULL, NULL);
  g_return_val_if_fail (trust == NULL || PD_IS_CHIP_TRUST (trust), NULL);

  if (trust == NULL)
    trust = empty = pd_chip_trust_new ();

  result->data_groups = g_array_new (FALSE, FALSE, sizeof (PdChipDgCheck));
  result->signature_valid = signature_holds (sod);
  if (!result->signature_valid)
    {
      g_string_append (problems, _("The security object’s signature does not hold: it was changed or forged."));
      g_string_append_c (problems, '\n');
    }
  check_data_groups (result, sod, files, problems);

  if (problems->len > 0)
    {
      result->outcome = PD_CHIP_PA_ALTERED;
      g_string_append (problems, _("Do not rely on the chip: check the document by eye and report it."));
      result->detail = g_string_free (g_steal_pointer (&problems), FALSE);
      return g_steal_pointer (&result);
    }

  if (pd_chip_trust_get_n_certificates (trust) == 0)
    {
      result->outcome = PD_CHIP_PA_NOT_VERIFIABLE;
      result->detail = g_strdup (_("The data groups match the signature, but no CSCA certificate is "
                                   "installed, so the signer cannot be checked."));
      return g_steal_pointer (&result);
    }

  chain = chain_error (sod, trust);
  if (chain == X509_V_ERR_CERT_SIGNATURE_FAILURE)
    {
      /* A CSCA of the store was found but did not sign this certificate: forged. */
      result->outcome = PD_CHIP_PA_ALTERED;
      result->detail = g_strdup (_("The signer’s certificate names a trusted CSCA that did not issue it: "
                                   "it was forged. Do not rely on the chip: check the document by eye and report it."));
      return g_steal_pointer (&result);
    }
  if (chain != X509_V_OK)
    {
      result->outcome = PD_CHIP_PA_NOT_VERIFIABLE;
      /* Translators: %s says why the signer cannot be traced, e.g. "The signer is not in the trust store…". */
      result->detail = g_strdup_printf (_("The data groups match the signature, but the signer cannot be trusted. %s"),
                                        chain_problem (chain));
      return g_steal_pointer (&result);
    }

  result->signer_trusted = TRUE;
  result->outcome = PD_CHIP_PA_GENUINE;
  /* Translators: %s is the signer's name from its certificate. */
  result->detail = g_strdup_printf (_("Genuine: signed by %s, traced to a CSCA of the trust store; "
                                      "every data group read matches."), sod->signer_subject);
  return g_steal_pointer (&result);
}
