/* pd-required-documents.h: the papers to check for a request, from
 * data/reference/required-documents.csv. */
#pragma once

#include <glib.h>

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

G_END_DECLS
