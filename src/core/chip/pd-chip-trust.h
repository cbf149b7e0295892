/* pd-chip-trust.h: the CSCA certificates a chip's document signer must chain to. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PD_TYPE_CHIP_TRUST (pd_chip_trust_get_type ())
G_DECLARE_FINAL_TYPE (PdChipTrust, pd_chip_trust, PD, CHIP_TRUST, GObject)

/* An empty store: every document is then "not verifiable". */
PdChipTrust *pd_chip_trust_new                (void);
/* The installed folder: $PASSDESK_DATA_DIR/csca, else PKGDATADIR/csca, else the source tree's. */
const char  *pd_chip_trust_default_directory  (void);
/* A store with the installed folder's certificates (none is not an error). */
PdChipTrust *pd_chip_trust_new_default        (GError      **error);
/* A PEM file (one or more certificates), a DER file, or a folder of them (.pem, .crt, .cer,
 * .der; other files, such as a README, are skipped). */
gboolean     pd_chip_trust_add_path           (PdChipTrust  *trust,
                                               const char   *path,
                                               GError      **error);
/* Each folder of @directories (NULL-terminated); for reference data updated from the central
 * system. A folder that does not exist is skipped. */
gboolean     pd_chip_trust_add_directories    (PdChipTrust         *trust,
                                               const char * const  *directories,
                                               GError             **error);
guint        pd_chip_trust_get_n_certificates (PdChipTrust  *trust);

G_END_DECLS
