/* pd-scan-router.h: what a scanned or typed text is, read by the right parser.
 *
 * Counter scanners (QR, barcode, MRZ) and the camera all hand over plain text. One text is
 * one of: a signed declaration QR code ("PDQ1:..."), a declaration code ("PD1-01-1YHVFTEJ-J"),
 * the QR code of a chip ID card (pipe-separated), or the 2 or 3 lines of an MRZ. The kind is
 * told from the shape alone, so that a damaged code of a known kind gets that kind's own
 * error message (which says what to do) rather than "unknown".
 */
#pragma once

#include <glib.h>

#include "pd-cccd.h"
#include "pd-declaration-code.h"
#include "pd-mrz.h"

G_BEGIN_DECLS

typedef enum {
  PD_SCAN_KIND_UNKNOWN,
  PD_SCAN_KIND_DECLARATION_QR,
  PD_SCAN_KIND_DECLARATION_CODE,
  PD_SCAN_KIND_CCCD,
  PD_SCAN_KIND_MRZ,
} PdScanKind;

#define PD_SCAN_ERROR (pd_scan_error_quark ())
typedef enum {
  PD_SCAN_ERROR_EMPTY,
  PD_SCAN_ERROR_TOO_LONG,
  PD_SCAN_ERROR_UNKNOWN,   /* none of the kinds above */
} PdScanError;
GQuark pd_scan_error_quark (void);

/* Longer than any QR code can hold: refused unread. */
#define PD_SCAN_MAX_LENGTH PD_DECLARATION_QR_MAX_LENGTH

typedef struct {
  PdScanKind       kind;
  char            *declaration_code;  /* DECLARATION_CODE: canonical "PD1-OFFICE-BODY-C" */
  char            *office;            /* DECLARATION_CODE: the office part */
  PdDeclarationQr *declaration;       /* DECLARATION_QR, signature verified */
  PdCccd          *cccd;              /* CCCD */
  PdMrz           *mrz;               /* MRZ; may have failed check digits: pd_scan_is_valid() */
} PdScan;

PdScanKind  pd_scan_classify        (const char   *text,
                                     gssize        length);
/* "declaration-qr", "declaration-code", "cccd", "mrz" or "unknown". */
const char *pd_scan_kind_to_string  (PdScanKind    kind);
/* Translated, for messages: "signed declaration", "chip ID card", ... */
const char *pd_scan_kind_get_label  (PdScanKind    kind);

/* Reads @text as @kind, or as what pd_scan_classify() says when @kind is UNKNOWN. A trailing
 * CR/LF is dropped. @trusted_keys (element-type utf8 GBytes, nullable: none trusted) checks
 * declaration QR codes; @today (nullable) dates MRZ birth years. Errors are the parsers' own
 * (PD_DECLARATION_ERROR, PD_CCCD_ERROR, PD_MRZ_ERROR) or PD_SCAN_ERROR. */
PdScan     *pd_scan_read            (const char   *text,
                                     gssize        length,
                                     PdScanKind    kind,
                                     GHashTable   *trusted_keys,
                                     GDate        *today,
                                     GError      **error);
void        pd_scan_free            (PdScan       *scan);
/* FALSE when an MRZ check digit or date fails; every other kind is checked while read. */
gboolean    pd_scan_is_valid        (const PdScan *scan);
/* The text was recognised but a check failed: a declaration code's check character, a
 * declaration QR code's signature or key. Other errors mean the text is unreadable. */
gboolean    pd_scan_error_is_check  (const GError *error);

/* What an ID card QR code or an MRZ says about the applicant, as dossier fields: the five
 * fields of the card (pd_cccd_fill_dossier()); from an MRZ the name (without diacritics),
 * birth date, sex, the ID number (TD1, or a TD3's 12-digit personal number) and, from a
 * passport (TD3), its number as the previous passport's. NULL for other kinds. */
PdDossier  *pd_scan_get_person      (const PdScan *scan);
/* (element-type PdCccdMismatch): the fields of pd_scan_get_person() whose value differs from
 * @dossier's (card_value is the document's). A field @dossier leaves empty is not a mismatch.
 * Names compare without case and diacritics; the other fields exactly. */
GPtrArray  *pd_scan_compare_dossier (const PdScan *scan,
                                     PdDossier    *dossier);
/* Sets the fields of pd_scan_get_person() that @dossier leaves empty; returns (element-type
 * PdField) those it set. */
GArray     *pd_scan_fill_empty      (const PdScan *scan,
                                     PdDossier    *dossier);

/* What a scan does to the application on the form: pd_scan_apply() says it, the window only
 * shows it (pd_station_apply_scan() adds the steps that need the store). */
typedef enum {
  PD_SCAN_OUTCOME_MESSAGE,      /* nothing to fill: the message says why */
  PD_SCAN_OUTCOME_LOOKUP,       /* a declaration code, to look up (pd_station_lookup_declaration_async()) */
  PD_SCAN_OUTCOME_DECLARATION,  /* a declaration to load onto the form */
  PD_SCAN_OUTCOME_DOCUMENT,     /* an ID document, checked against the form and filling its empty fields */
} PdScanOutcome;

typedef struct {
  PdScanOutcome  outcome;
  char          *message;           /* for the officer; NULL for LOOKUP and DECLARATION */
  char          *declaration_code;  /* LOOKUP: the code; DECLARATION off a signed slip: its code */
  PdDossier     *declaration;       /* DECLARATION */
  /* DOCUMENT */
  PdDossier     *dossier;           /* the form's application with the document's values filled in */
  GArray        *filled;            /* (element-type PdField) the fields it filled */
  GPtrArray     *mismatches;        /* (element-type PdCccdMismatch) compared before filling */
  const char    *caption;           /* what the document is, for the mismatch panel */
  const char    *use_label;         /* the panel's button that takes the document's value */
  gboolean       id_card;           /* an ID card (its QR code or MRZ): the card was shown */
  gboolean       matches;           /* it matches the declaration already on the form */
} PdScanResult;

PdScanResult *pd_scan_result_new_message (const char   *message);
void          pd_scan_result_free        (PdScanResult *result);
/* What @scan does to @dossier, the application on the form (not changed); @blank: the form
 * holds nothing typed yet. */
PdScanResult *pd_scan_apply              (const PdScan *scan,
                                          PdDossier    *dossier,
                                          gboolean      blank);

/* @text holds the lines a reader typed so far: TRUE when they are the first line(s) of an MRZ
 * whose other lines are still to come (1 line of 44, 1 or 2 lines of 30). */
gboolean    pd_scan_text_is_partial_mrz (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdScan, pd_scan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdScanResult, pd_scan_result_free)

G_END_DECLS
