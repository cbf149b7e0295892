/* pd-json.h: parsing JSON that comes from outside (a server, a file, a USB stick). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* json-glib 1.6 parses recursively: a hostile document of a few hundred thousand brackets
 * overflows the stack. Nothing Passdesk reads legitimately nests deeper than this. */
#define PD_JSON_MAX_DEPTH 32

#define PD_JSON_ERROR (pd_json_error_quark ())
typedef enum {
  PD_JSON_ERROR_INVALID,
} PdJsonError;
GQuark    pd_json_error_quark (void);

gboolean  pd_json_depth_ok    (const char *data,
                               gsize       length,
                               guint       max_depth);
/* Valid UTF-8, at most PD_JSON_MAX_DEPTH deep, well-formed: the root, or NULL with an error. */
JsonNode *pd_json_parse       (const char *data,
                               gsize       length,
                               GError    **error);

G_END_DECLS
