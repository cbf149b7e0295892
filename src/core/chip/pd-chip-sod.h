/* pd-chip-sod.h: EF.SOD, the document security object: a CMS SignedData over the hashes of the
 * data groups, with the document signer's certificate. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint   number;
  GBytes *hash;
} PdChipDgHash;

typedef struct {
  char                      *digest;             /* "SHA256", … */
  int                        digest_nid;
  GArray                    *hashes;             /* (element-type PdChipDgHash) */
  /* The document signer's certificate. */
  char                      *signer_subject;     /* RFC 2253 */
  char                      *signer_issuer;
  char                      *signer_not_before;  /* ISO 8601, UTC */
  char                      *signer_not_after;
  struct CMS_ContentInfo_st *cms;
  struct x509_st            *signer;
  struct stack_st_X509      *certificates;       /* every certificate in the SignedData */
} PdChipSod;

PdChipSod    *pd_chip_sod_parse     (GBytes          *file,
                                     GError         **error);
void          pd_chip_sod_free      (PdChipSod       *sod);
/* The signed hash of data group @number, or NULL. */
GBytes       *pd_chip_sod_find_hash (const PdChipSod *sod,
                                     guint            number);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdChipSod, pd_chip_sod_free)

G_END_DECLS
