/* pd-reference.h: reference data (provinces, communes, ethnic groups, fees).
 *
 * Codes come from data, never from code: the central system can update them by sync.
 */
#pragma once

#include <glib-object.h>

#include "pd-types.h"

G_BEGIN_DECLS

typedef enum {
  PD_REFERENCE_PROVINCES,
  PD_REFERENCE_COMMUNES,
  PD_REFERENCE_ETHNIC_GROUPS,
  PD_REFERENCE_FEES,
  PD_N_REFERENCE_TABLES
} PdReferenceTable;

typedef struct {
  char   *code;
  char   *name;
  char   *parent;   /* commune: province code; fee: request type; else NULL */
  char   *kind;     /* division type ("phường", "xã", "tỉnh"...); ethnic group, fee: note; nullable */
  gint64  amount;   /* fee in đồng; 0 for other tables */
} PdReferenceEntry;

PdReferenceEntry *pd_reference_entry_new  (const char *code,
                                           const char *name,
                                           const char *parent,
                                           const char *kind,
                                           gint64      amount);
PdReferenceEntry *pd_reference_entry_copy (const PdReferenceEntry *entry);
void              pd_reference_entry_free (PdReferenceEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdReferenceEntry, pd_reference_entry_free)

#define PD_REFERENCE_ERROR (pd_reference_error_quark ())
typedef enum {
  PD_REFERENCE_ERROR_PARSE,
  PD_REFERENCE_ERROR_MISSING,
} PdReferenceError;
GQuark pd_reference_error_quark (void);

/* Signal "changed" (guint table): emitted by pd_reference_set_table(). */
#define PD_TYPE_REFERENCE (pd_reference_get_type ())
G_DECLARE_FINAL_TYPE (PdReference, pd_reference, PD, REFERENCE, GObject)

PdReference  *pd_reference_new                 (void);
/* The installed data: $PASSDESK_DATA_DIR/reference, else PKGDATADIR/reference, else the
 * source tree's data/reference (running uninstalled). */
const char   *pd_reference_get_default_directory (void);
PdReference  *pd_reference_new_from_directory  (const char        *directory,
                                                GError           **error);
/* Parses the CSV layout of the files in data/reference for @table. */
GPtrArray    *pd_reference_parse_csv           (PdReferenceTable   table,
                                                const char        *text,
                                                gsize              length,
                                                GError           **error);
/* Takes @entries (element PdReferenceEntry) as the whole content of @table. */
void          pd_reference_set_table           (PdReference       *self,
                                                PdReferenceTable   table,
                                                GPtrArray         *entries);
/* A stable identifier ("provinces", "communes", "ethnic_groups", "fees"). */
const char   *pd_reference_table_get_name      (PdReferenceTable   table);
/* The CSV file of @table in a reference directory, e.g. "communes_3321.csv". */
const char   *pd_reference_table_get_file_name (PdReferenceTable   table);

const PdReferenceEntry *pd_reference_lookup    (PdReference       *self,
                                                PdReferenceTable   table,
                                                const char        *code);
/* (element-type PdReferenceEntry) (transfer container): sorted by name, filtered by parent
 * when @parent is not NULL. */
GPtrArray    *pd_reference_list                (PdReference       *self,
                                                PdReferenceTable   table,
                                                const char        *parent);
guint         pd_reference_count               (PdReference       *self,
                                                PdReferenceTable   table);
/* Indexed access without copying, in the order of pd_reference_list(): the number of entries
 * whose parent is @parent (all entries when NULL), and the @n-th of them (NULL past the end). */
guint         pd_reference_count_children      (PdReference       *self,
                                                PdReferenceTable   table,
                                                const char        *parent);
const PdReferenceEntry *pd_reference_get_nth   (PdReference       *self,
                                                PdReferenceTable   table,
                                                const char        *parent,
                                                guint              n);

G_END_DECLS
