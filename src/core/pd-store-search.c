/* pd-store-search.c: finding dossiers without decrypting them: the blind index of the ID
 * number, the name keys of whole-word name search, and the search itself. */
#define G_LOG_DOMAIN "pd-store"

#include "config.h"

#include <string.h>
#include <sodium.h>

#include "pd-crypto.h"
#include "pd-sqlite.h"
#include "pd-store-internal.h"

/* Counting the rows of a name key stops here: beyond it a key is common enough that any
 * other key of the query is a better place to start. */
#define TOKEN_COUNT_BOUND       5000

/* Name search keys ---------------------------------------------------------------------
 *
 * Each word of a name is a row of name_tokens under its blind index, and so is each pair of
 * its words that are both among the common ones below. Every row also carries the dossier's
 * signature: a 64-bit Bloom filter of all the words of the name, NAME_SIG_BITS bits per word
 * taken from the word's blind index (so it is keyed like the index, and tells nothing that
 * the rows of the dossier do not already tell).
 *
 * A search walks the rows of its rarest key, newest first, while SQLite drops with one AND
 * per row the dossiers whose signature lacks a bit of another query word; only the few left
 * are checked word by word, then decrypted. The walk is long only when every key of the
 * query is common, and a pair of common words is far rarer than either: "Nguyễn Thị Vân" has
 * three words held by 15 to 40 % of the people each, "thị vân" by a fraction of a percent.
 *
 * Pairs are kept to common words because each pair is its own range of the index, and a bulk
 * insert dirties the last page of every range it touches: pairs of all words (6,000 distinct
 * pairs in the demonstration data, 3.6 per dossier) made bulk inserts 40 % slower; pairs of
 * common words (a few hundred, about one per dossier) cost nothing measurable. A word
 * missing from the list is rare enough to be walked: the list holds the folded surnames,
 * middle and given names borne by more than about 2.5 % of the people (public frequency
 * figures), and walking any other word takes a few milliseconds at a million dossiers.
 * The list is part of the schema: changing it needs a new schema version that rebuilds the
 * rows (_pd_store_rebuild_name_tokens()).
 */
static const char * const common_name_words[] = {  /* sorted, for bsearch () */
  "anh", "bao", "bui", "cong", "dang", "dinh", "duc", "hoang", "hong", "huu", "huynh", "kim",
  "le", "mai", "minh", "ngoc", "nguyen", "pham", "phan", "phuong", "quang", "thanh", "thi",
  "thu", "thuy", "tran", "van", "vo", "vu",
};

#define NAME_SIG_BITS 4

static int
compare_words (const void *a,
               const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
is_common_name_word (const char *word)
{
  return bsearch (&word, common_name_words, G_N_ELEMENTS (common_name_words),
                  sizeof common_name_words[0], compare_words) != NULL;
}

static gint64
word_token (PdStore    *self,
            const char *word)
{
  return pd_crypto_blind_index (self->keys, "name", word);
}

static gint64
pair_token (PdStore    *self,
            const char *a,
            const char *b)
{
  g_autofree char *pair = strcmp (a, b) < 0 ? g_strconcat (a, " ", b, NULL)
                                            : g_strconcat (b, " ", a, NULL);

  return pd_crypto_blind_index (self->keys, "name-pair", pair);
}

static gint64
word_sig (gint64 token)
{
  guint64 sig = 0;

  for (guint i = 0; i < NAME_SIG_BITS; i++)
    sig |= G_GUINT64_CONSTANT (1) << (((guint64) token >> (6 * i)) & 63);
  return (gint64) sig;
}

/* (element-type gint64): the keys of the distinct folded @words; *sig their signature. */
static GArray *
name_keys (PdStore   *self,
           GPtrArray *words,
           gint64    *sig)
{
  GArray *keys = g_array_sized_new (FALSE, FALSE, sizeof (gint64), words->len * 2);

  *sig = 0;
  for (guint i = 0; i < words->len; i++)
    {
      gint64 token = word_token (self, words->pdata[i]);

      *sig |= word_sig (token);
      g_array_append_val (keys, token);
    }
  for (guint i = 0; i < words->len; i++)
    {
      if (!is_common_name_word (words->pdata[i]))
        continue;
      for (guint j = i + 1; j < words->len; j++)
        if (is_common_name_word (words->pdata[j]))
          {
            gint64 token = pair_token (self, words->pdata[i], words->pdata[j]);

            g_array_append_val (keys, token);
          }
    }
  return keys;
}

static int
compare_name_rows (gconstpointer a,
                   gconstpointer b)
{
  const NameRow *x = a, *y = b;

  if (x->token != y->token)
    return x->token < y->token ? -1 : 1;
  return (x->dossier_id > y->dossier_id) - (x->dossier_id < y->dossier_id);
}

/* Appends the name_tokens rows of the dossier to @rows (element-type NameRow). */
void
_pd_store_collect_name_keys (PdStore    *self,
                             gint64      dossier_id,
                             const char *name,
                             GArray     *rows)
{
  g_autoptr(GPtrArray) words = _pd_store_name_words (name);
  g_autoptr(GArray) keys = NULL;
  gint64 sig;

  keys = name_keys (self, words, &sig);
  for (guint i = 0; i < keys->len; i++)
    {
      NameRow row = { g_array_index (keys, gint64, i), dossier_id, sig };

      g_array_append_val (rows, row);
    }
}

/* In key order: a batch's rows then go to each key's range one after the other instead of
 * jumping across the table for every row. The name keys were a quarter of the time of a bulk
 * insert at a million dossiers; sorted, they cost about a third less. */
gboolean
_pd_store_insert_name_rows (PdStore     *self,
                            GArray      *rows,
                            GError     **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self, "INSERT OR IGNORE INTO name_tokens (token, dossier_id, sig) VALUES (?, ?, ?)",
                       error);

  if (stmt == NULL)
    return FALSE;
  g_array_sort (rows, compare_name_rows);
  for (guint i = 0; i < rows->len; i++)
    {
      NameRow *row = &g_array_index (rows, NameRow, i);

      sqlite3_bind_int64 (stmt, 1, row->token);
      sqlite3_bind_int64 (stmt, 2, row->dossier_id);
      sqlite3_bind_int64 (stmt, 3, row->sig);
      if (!pd_sqlite_conn_step (&self->conn, stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

gboolean
_pd_store_add_name_keys (PdStore     *self,
                         gint64       dossier_id,
                         const char  *name,
                         GError     **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (NameRow));

  _pd_store_collect_name_keys (self, dossier_id, name, rows);
  return _pd_store_insert_name_rows (self, rows, error);
}

gboolean
_pd_store_remove_name_keys (PdStore     *self,
                            gint64       dossier_id,
                            const char  *name,
                            GError     **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self, "DELETE FROM name_tokens WHERE token = ? AND dossier_id = ?", error);
  g_autoptr(GPtrArray) words = _pd_store_name_words (name);
  g_autoptr(GArray) keys = NULL;
  gint64 sig;

  if (stmt == NULL)
    return FALSE;
  keys = name_keys (self, words, &sig);
  for (guint i = 0; i < keys->len; i++)
    {
      sqlite3_bind_int64 (stmt, 1, g_array_index (keys, gint64, i));
      sqlite3_bind_int64 (stmt, 2, dossier_id);
      if (!pd_sqlite_conn_step (&self->conn, stmt, error))
        return FALSE;
      sqlite3_reset (stmt);
    }
  return TRUE;
}

/* Schema version 2 added pairs and signatures: every row is redone from the sealed names
 * (purged dossiers have none, and no rows). In id order, so that each key's rows are
 * appended at the end of its range. */
gboolean
_pd_store_rebuild_name_tokens (PdStore  *self,
                               GError  **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self, "SELECT id, uuid, sealed FROM dossiers WHERE sealed IS NOT NULL ORDER BY id",
                       error);
  const char *name_key = pd_field_get_key (PD_FIELD_FULL_NAME);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *uuid = (const char *) sqlite3_column_text (stmt, 1);
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      JsonNode *root;
      const char *json;
      gsize length;
      gboolean parsed;

      plain = pd_crypto_open (self->keys, sqlite3_column_blob (stmt, 2),
                              sqlite3_column_bytes (stmt, 2), uuid, NULL);
      if (plain == NULL)
        {
          _pd_store_set_unreadable_error (self, uuid, error);
          return FALSE;
        }
      json = g_bytes_get_data (plain, &length);
      parsed = json_parser_load_from_data (parser, json, length, NULL);
      sodium_memzero ((gpointer) json, length);
      root = parsed ? json_parser_get_root (parser) : NULL;
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          _pd_store_set_unreadable_error (self, uuid, error);
          return FALSE;
        }
      if (!_pd_store_add_name_keys (self, sqlite3_column_int64 (stmt, 0),
                                    json_object_get_string_member_with_default (json_node_get_object (root),
                                                                                name_key, NULL),
                                    error))
        return FALSE;
    }
  return pd_sqlite_conn_check_done (&self->conn, rc, error);
}

static GPtrArray *
find_by_id_number_locked (PdStore     *self,
                          const char  *id_number,
                          GError     **error)
{
  g_autoptr(PdStatement) stmt = NULL;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autofree char *wanted = _pd_store_normalize_id_number (id_number);
  GPtrArray *result;

  if (!_pd_store_check_open (self, error))
    return NULL;
  if (*wanted == '\0')
    return g_ptr_array_new_with_free_func (g_object_unref);

  stmt = _pd_store_prepare (self,
                            "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE id_index = ?"
                            " ORDER BY id DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, pd_crypto_blind_index (self->keys, "id", wanted));
  candidates = _pd_store_collect_dossiers (self, stmt, error);
  if (candidates == NULL)
    return NULL;

  /* 64 bits can collide: the decrypted value decides. */
  result = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < candidates->len; i++)
    {
      g_autofree char *stored =
        _pd_store_normalize_id_number (pd_dossier_get_field (candidates->pdata[i], PD_FIELD_ID_NUMBER));

      if (g_str_equal (stored, wanted))
        g_ptr_array_add (result, g_object_ref (candidates->pdata[i]));
    }
  return result;
}

GPtrArray *
pd_store_find_by_id_number (PdStore     *self,
                            const char  *id_number,
                            GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (id_number != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  return find_by_id_number_locked (self, id_number, error);
}

/* The dossiers whose column holds @value exactly, newest first. @sql is a literal: the store
 * keeps its prepared statements under their text without copying it. */
#define FIND_BY(column) "SELECT " DOSSIER_COLUMNS " FROM dossiers WHERE " column " = ? ORDER BY id DESC"

static GPtrArray *
find_by_column_locked (PdStore     *self,
                       const char  *sql,
                       const char  *value,
                       GError     **error)
{
  g_autoptr(PdStatement) stmt = NULL;

  stmt = _pd_store_prepare_open (self, sql, error);
  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, value);
  return _pd_store_collect_dossiers (self, stmt, error);
}

static GPtrArray *
find_by_declaration_code_locked (PdStore     *self,
                                 const char  *code,
                                 GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (code));

  return find_by_column_locked (self, FIND_BY ("declaration_code"), trimmed, error);
}

/* Numbers are stored in capitals and found whatever the case typed. */
static GPtrArray *
find_by_application_number_locked (PdStore     *self,
                                   const char  *number,
                                   GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_ascii_strup (number, -1));

  return find_by_column_locked (self, FIND_BY ("application_number"), trimmed, error);
}

GPtrArray *
pd_store_find_by_declaration_code (PdStore     *self,
                                   const char  *code,
                                   GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  return find_by_declaration_code_locked (self, code, error);
}

GPtrArray *
pd_store_find_by_application_number (PdStore     *self,
                                     const char  *number,
                                     GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (number != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  return find_by_application_number_locked (self, number, error);
}

typedef enum
{
  KEY_RARE_WORD,
  KEY_PAIR,
  KEY_COMMON_WORD,
} KeyKind;

typedef struct
{
  gint64  token;
  guint   first;   /* the query words the key stands for: first and second (equal for a word) */
  guint   second;
  KeyKind kind;
  gint64  count;
} SearchKey;

/* Pairs from more words than this are not worth counting: one of them is rare enough. */
#define MAX_PAIRED_QUERY_WORDS 6

/* Fewest rows first. Counts stop at TOKEN_COUNT_BOUND: among keys past it, a word outside
 * the common list is likely the rarest, and a pair is rarer than a common word. */
static int
compare_search_keys (gconstpointer a,
                     gconstpointer b)
{
  const SearchKey *ka = a;
  const SearchKey *kb = b;

  if (ka->count != kb->count)
    return ka->count < kb->count ? -1 : 1;
  return (ka->kind > kb->kind) - (ka->kind < kb->kind);
}

static gboolean
count_key (PdStore    *self,
           SearchKey  *key,
           GError    **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self,
                       "SELECT count(*) FROM (SELECT 1 FROM name_tokens WHERE token = ? LIMIT "
                       G_STRINGIFY (TOKEN_COUNT_BOUND) ")", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, key->token);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      pd_sqlite_conn_set_error (&self->conn, rc, error);
      return FALSE;
    }
  key->count = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
has_key (PdStore  *self,
         gint64    token,
         gint64    dossier_id,
         gboolean *found,
         GError  **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self, "SELECT 1 FROM name_tokens WHERE token = ? AND dossier_id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, token);
  sqlite3_bind_int64 (stmt, 2, dossier_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      pd_sqlite_conn_set_error (&self->conn, rc, error);
      return FALSE;
    }
  *found = rc == SQLITE_ROW;
  return TRUE;
}

/* Whole-word name search (see "Name search keys"): the rarest key of the query is walked
 * newest first, the signature filters in SQL, the rows of the other words confirm, and the
 * decrypted name has the last word, so that neither a 64-bit collision nor a Bloom false
 * positive ever shows a wrong result. */
static GPtrArray *
search_name_locked (PdStore     *self,
                    const char  *query,
                    guint        limit,
                    GError     **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) words = NULL;
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(GArray) keys = NULL;
  g_autoptr(PdStatement) scan = NULL;
  SearchKey *walk;
  gint64 mask = 0;
  guint n_paired;
  int rc;

  if (!_pd_store_check_open (self, error))
    return NULL;
  words = _pd_store_name_words (query);
  if (words->len == 0)
    return g_steal_pointer (&result);
  if (limit == 0)
    limit = G_MAXUINT;

  tokens = g_array_sized_new (FALSE, FALSE, sizeof (gint64), words->len);
  for (guint i = 0; i < words->len; i++)
    {
      gint64 token = word_token (self, words->pdata[i]);

      mask |= word_sig (token);
      g_array_append_val (tokens, token);
    }

  keys = g_array_new (FALSE, FALSE, sizeof (SearchKey));
  for (guint i = 0; i < words->len; i++)
    {
      SearchKey key = { g_array_index (tokens, gint64, i), i, i,
                        is_common_name_word (words->pdata[i]) ? KEY_COMMON_WORD : KEY_RARE_WORD, 0 };

      g_array_append_val (keys, key);
    }
  n_paired = MIN (words->len, MAX_PAIRED_QUERY_WORDS);
  for (guint i = 0; i < n_paired; i++)
    for (guint j = i + 1; j < n_paired; j++)
      if (is_common_name_word (words->pdata[i]) && is_common_name_word (words->pdata[j]))
        {
          SearchKey key = { pair_token (self, words->pdata[i], words->pdata[j]), i, j, KEY_PAIR, 0 };

          g_array_append_val (keys, key);
        }
  if (keys->len > 1)
    {
      for (guint i = 0; i < keys->len; i++)
        {
          if (!count_key (self, &g_array_index (keys, SearchKey, i), error))
            return NULL;
          if (g_array_index (keys, SearchKey, i).count == 0)
            return g_steal_pointer (&result);
        }
      g_array_sort (keys, compare_search_keys);
    }
  walk = &g_array_index (keys, SearchKey, 0);

  scan = _pd_store_prepare (self,
                            "SELECT dossier_id FROM name_tokens WHERE token = ?1 AND (sig & ?2) = ?2"
                            " ORDER BY dossier_id DESC", error);
  if (scan == NULL)
    return NULL;
  sqlite3_bind_int64 (scan, 1, walk->token);
  sqlite3_bind_int64 (scan, 2, mask);

  while (result->len < limit && (rc = sqlite3_step (scan)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (scan, 0);
      g_autoptr(PdDossier) dossier = NULL;
      gboolean found = TRUE;

      for (guint i = 0; found && i < tokens->len; i++)
        if (i != walk->first && i != walk->second &&
            !has_key (self, g_array_index (tokens, gint64, i), id, &found, error))
          return NULL;
      if (!found)
        continue;

      dossier = _pd_store_load_dossier (self, id, error);
      if (dossier == NULL)
        return NULL;
      if (_pd_store_name_has_words (pd_dossier_get_field (dossier, PD_FIELD_FULL_NAME), words))
        g_ptr_array_add (result, g_steal_pointer (&dossier));
    }
  if (result->len < limit && rc != SQLITE_DONE)
    {
      pd_sqlite_conn_set_error (&self->conn, rc, error);
      return NULL;
    }
  return g_steal_pointer (&result);
}

GPtrArray *
pd_store_search_name (PdStore     *self,
                      const char  *query,
                      guint        limit,
                      GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  return search_name_locked (self, query, limit, error);
}

/* 9 (old ID card) or 12 (personal identification number) digits, spaces allowed. */
static gboolean
looks_like_id_number (const char *query)
{
  g_autofree char *id = _pd_store_normalize_id_number (query);
  gsize length = strlen (id);

  if (length != 9 && length != 12)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static gboolean
has_digit (const char *text)
{
  for (const char *p = text; *p; p++)
    if (g_ascii_isdigit (*p))
      return TRUE;
  return FALSE;
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  PdStore *self = source_object;
  g_autofree char *query = g_strstrip (g_strdup (task_data));
  guint limit = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "limit"));
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  GError *error = NULL;
  GPtrArray *result;

  if (looks_like_id_number (query))
    result = find_by_id_number_locked (self, query, &error);
  else if (has_digit (query) && strchr (query, ' ') == NULL)
    {
      /* Declaration codes have dashes too ("PD1-01-1YHVFTEJ-J"): the number first, then. */
      result = find_by_application_number_locked (self, query, &error);
      if (result != NULL && result->len == 0)
        {
          g_ptr_array_unref (result);
          result = find_by_declaration_code_locked (self, query, &error);
        }
    }
  else
    result = search_name_locked (self, query, limit, &error);

  if (result)
    g_task_return_pointer (task, result, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
pd_store_search_async (PdStore             *self,
                       const char          *query,
                       guint                limit,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_STORE (self));
  g_return_if_fail (query != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_store_search_async);
  g_task_set_task_data (task, g_strdup (query), g_free);
  g_object_set_data (G_OBJECT (task), "limit", GUINT_TO_POINTER (limit));
  g_task_run_in_thread (task, search_thread);
}

GPtrArray *
pd_store_search_finish (PdStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
