/* pd-chip-pa.h: passive authentication (ICAO 9303 part 11): the security object's signature,
 * its signer's chain to a trusted CSCA, and the hash of every data group read. */
#pragma once

#include <glib.h>

#include "pd-chip-sod.h"
#include "pd-chip-trust.h"

G_BEGIN_DECLS

typedef enum {
  /* Signature valid, signer chains to a CSCA of the store, every data group read matches. */
  PD_CHIP_PA_GENUINE,
  /* The data groups match a valid signature, but the signer cannot be traced to a trusted
   * CSCA (none installed, not in the store, outside its validity): the chip is consistent,
   * but who made it is unknown. */
  PD_CHIP_PA_NOT_VERIFIABLE,
  /* A data group does not match its signed hash, a data group read is not signed, or the
   * signature does not hold: the chip was changed or forged. */
  PD_CHIP_PA_ALTERED,
} PdChipPaOutcome;

typedef enum {
  PD_CHIP_DG_HASH_MATCH,
  PD_CHIP_DG_HASH_MISMATCH,
  PD_CHIP_DG_HASH_NOT_SIGNED,  /* read from the chip but absent from the security object */
} PdChipDgHashState;

typedef struct {
  guint             number;
  PdChipDgHashState state;
} PdChipDgCheck;

typedef struct {
  PdChipPaOutcome  outcome;
  gboolean         signature_valid;
  gboolean         signer_trusted;
  GArray          *data_groups;  /* (element-type PdChipDgCheck) every data group read, by number */
  char            *detail;       /* translated sentences, one a line; the worst first */
} PdChipPaResult;

/* @files maps GUINT_TO_POINTER (fid) to the GBytes read from the chip; every data group among
 * them (0x0101 … 0x0110) is hashed. @trust (nullable) counts as empty when NULL. */
PdChipPaResult *pd_chip_passive_authenticate (const PdChipSod *sod,
                                              GHashTable      *files,
                                              PdChipTrust     *trust);
void            pd_chip_pa_result_free       (PdChipPaResult  *result);
/* "genuine", "not-verifiable", "altered": for JSON and logs. */
const char     *pd_chip_pa_outcome_to_string (PdChipPaOutcome  outcome);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdChipPaResult, pd_chip_pa_result_free)

G_END_DECLS
