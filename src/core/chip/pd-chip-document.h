/* pd-chip-document.h: the files read from an e-passport's or a CCCD's chip, parsed, and their
 * passive authentication. Takes the files as bytes: the reader, the emulator and a dump folder
 * all give the same map. */
#pragma once

#include <glib-object.h>

#include "pd-chip-dg.h"
#include "pd-chip-dg13.h"
#include "pd-chip-pa.h"
#include "pd-chip-sod.h"
#include "pd-chip-trust.h"

G_BEGIN_DECLS

#define PD_TYPE_CHIP_DOCUMENT (pd_chip_document_get_type ())
G_DECLARE_FINAL_TYPE (PdChipDocument, pd_chip_document, PD, CHIP_DOCUMENT, GObject)

/* @files maps GUINT_TO_POINTER (fid), e.g. 0x0101 for DG1, to the GBytes of the file exactly as
 * read from the chip (TLV header included, no padding after it). DG1 must be there; EF.COM,
 * DG2, DG13 and EF.SOD are parsed when present, any other file is kept for the hashes. A file
 * present but malformed fails the whole document. The table is referenced, not copied. */
PdChipDocument *pd_chip_document_new             (GHashTable      *files,
                                                  GError         **error);
GHashTable     *pd_chip_document_get_files       (PdChipDocument  *self);
/* Each may be NULL when the file was not read, except DG1. */
const PdChipCom  *pd_chip_document_get_com       (PdChipDocument  *self);
const PdChipDg1  *pd_chip_document_get_dg1       (PdChipDocument  *self);
const PdChipDg2  *pd_chip_document_get_dg2       (PdChipDocument  *self);
const PdChipDg13 *pd_chip_document_get_dg13      (PdChipDocument  *self);
const PdChipSod  *pd_chip_document_get_sod       (PdChipDocument  *self);

/* Passive authentication against @trust (nullable: no CSCA). A document without EF.SOD is
 * "not verifiable". */
PdChipPaResult *pd_chip_document_authenticate    (PdChipDocument  *self,
                                                  PdChipTrust     *trust);
/* The parsed data groups and, when @result is given, the outcome, as a JSON object (UTF-8,
 * pretty-printed); images are described, not included. */
char           *pd_chip_document_to_json         (PdChipDocument  *self,
                                                  const PdChipPaResult *result);

/* The files of a folder named by their upper-case hex FID ("011E", "0101", "011D"), as the
 * emulator and `chip read --dump` write them; other names are skipped. */
GHashTable     *pd_chip_files_load_folder        (const char      *path,
                                                  GError         **error);
/* Writes @files to @path (created if needed) in that same form. */
gboolean        pd_chip_files_save_folder        (GHashTable      *files,
                                                  const char      *path,
                                                  GError         **error);
/* A table with the key and value functions pd_chip_document_new() expects. */
GHashTable     *pd_chip_files_new                (void);

G_END_DECLS
