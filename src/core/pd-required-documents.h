/* pd-required-documents.h: the papers to check for a request, from
 * data/reference/required-documents.csv, and whether an application shows each. */
#pragma once

#include <glib.h>

#include "pd-dossier.h"

G_BEGIN_DECLS

#define PD_REQUIRED_DOCUMENTS_FILE "required-documents.csv"

typedef enum {
  PD_REQUIRED_FOR_ALL,
  PD_REQUIRED_FOR_ADULT,     /* 14 and over */
  PD_REQUIRED_FOR_UNDER_14,
} PdRequiredFor;

typedef struct {
  char          *request_type;   /* "*" for every request */
  PdRequiredFor  who;
  char          *code;
  char          *evidence;       /* "declaration", "id-card", "photo", "passport", "document", or "" */
  char          *label;
} PdRequiredDocument;

void       pd_required_document_free (PdRequiredDocument *document);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdRequiredDocument, pd_required_document_free)

/* (element-type PdRequiredDocument): every row of @text, a CSV file as described in its
 * header comment. */
GPtrArray *pd_required_documents_parse (const char  *text,
                                        gssize       length,
                                        GError     **error);
/* Reads PD_REQUIRED_DOCUMENTS_FILE from the reference directory. */
GPtrArray *pd_required_documents_load_default (GError **error);
/* (element-type PdRequiredDocument) (transfer container): the rows of @all that apply. */
GPtrArray *pd_required_documents_filter (GPtrArray  *all,
                                         const char *request_type,
                                         gboolean    under_14);

/* The officer's tick on a paper of the checklist. */
typedef enum {
  PD_PAPER_TICK_NONE,   /* not touched: what the application shows decides */
  PD_PAPER_TICK_YES,
  PD_PAPER_TICK_NO,
} PdPaperTick;

/* What shows the papers besides the application's fields. */
typedef struct {
  GHashTable *ticks;             /* (nullable): code -> GUINT_TO_POINTER (PdPaperTick) */
  GPtrArray  *attachment_kinds;  /* (nullable) (element-type utf8): the scans stored or waiting */
  gboolean    id_card_seen;      /* the applicant's ID card was scanned or read */
  gboolean    declaration_seen;  /* a signed declaration filled the application */
  gboolean    photo_seen;        /* a photo of the application is stored */
} PdPaperEvidence;

/* (element-type PdRequiredDocument) (transfer container): the rows of @all for @dossier's
 * request and age on @today. */
GPtrArray *pd_required_documents_for_dossier (GPtrArray  *all,
                                              PdDossier  *dossier,
                                              GDate      *today);
/* What the application itself shows of @document (@evidence nullable). */
gboolean   pd_required_document_has_evidence (const PdRequiredDocument *document,
                                              PdDossier                *dossier,
                                              const PdPaperEvidence    *evidence);
/* The photo is part of the application, taken at the desk: it is ticked by being there, never
 * by hand. */
gboolean   pd_required_document_is_held      (const PdRequiredDocument *document);
/* The officer's tick where there is one (not on a held paper), else the evidence. */
gboolean   pd_required_document_is_ticked    (const PdRequiredDocument *document,
                                              PdDossier                *dossier,
                                              const PdPaperEvidence    *evidence);
/* (element-type utf8) (transfer full): the labels of the papers of @documents not ticked. */
GPtrArray *pd_required_documents_missing     (GPtrArray                *documents,
                                              PdDossier                *dossier,
                                              const PdPaperEvidence    *evidence);

G_END_DECLS
