/* pd-central-reference.h: the reference tables the central system hands out, imported from CSV. */
#pragma once

#include "pd-central-db.h"
#include "pd-reference.h"

G_BEGIN_DECLS

/* Imports one table from CSV text (the layout of data/reference). @version NULL: a digest of
 * @text, so that the version changes exactly when the content does. Returns TRUE and sets
 * @changed when the stored version differs. */
gboolean      pd_central_db_import_reference    (PdCentralDb   *self,
                                                 PdReferenceTable table,
                                                 const char    *text,
                                                 gsize          length,
                                                 const char    *version,
                                                 gboolean      *changed,
                                                 GError       **error);
gboolean      pd_central_db_import_reference_directory (PdCentralDb *self,
                                                        const char  *directory,
                                                        guint       *n_changed,
                                                        GError     **error);
JsonNode     *pd_central_db_get_reference_versions (PdCentralDb *self,
                                                    GError     **error);
JsonNode     *pd_central_db_get_reference_table    (PdCentralDb *self,
                                                    const char  *name,
                                                    GError     **error);

G_END_DECLS
