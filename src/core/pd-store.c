/* pd-store.c: the local, crash-safe, encrypted store of dossiers.
 *
 * Layout (schema version 2):
 *   meta            key/value: store_id, key_check, retention_days, settings
 *   dossiers        one row per dossier: status and times in columns, non-personal fields as
 *                   clear JSON (with generated columns for statistics), personal fields as one
 *                   sealed JSON blob, and id_index, the blind index of the ID number
 *   name_tokens     (blind index of a name word or of a pair of words, dossier id, Bloom
 *                   signature of all the words of the name): whole-word name search
 *   status_history  every status a dossier went through
 *   attachments     sealed photo and scans
 *   audit           append-only, hash-chained log; triggers refuse UPDATE and DELETE
 *   reference       reference tables as synced, and their versions
 *   outbox          (version 3) sync packets of accepted dossiers, sealed for the central
 *                   system, and their delivery state (see pd-store-private.h)
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "pd-crypto.h"
#include "pd-queue-private.h"
#include "pd-secrets.h"
#include "pd-sqlite.h"
#include "pd-store-internal.h"

G_DEFINE_FINAL_TYPE (PdStore, pd_store, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_STORE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_QUARK (pd-store-error-quark, pd_store_error)

void
_pd_store_statement_done (PdStatement *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static void
statement_free (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

gint64
_pd_store_now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Errors ------------------------------------------------------------------------------- */

static void
set_sqlite_error (const char  *path,
                  sqlite3     *db,
                  int          rc,
                  GError     **error)
{
  const char *detail = db ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  if (pd_sqlite_disk_is_full (db, rc))
    rc = SQLITE_FULL;

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_FULL,
                           _("The disk is full: free some space, then save again. "
                             "Nothing already saved was lost."));
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_LOCKED,
                           _("The data file is in use by another program (another Passdesk "
                             "window, a backup or a copy in progress). Wait for it to finish "
                             "or close it, then try again. Nothing already saved was lost."));
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
                   _("The data file “%s” is damaged or is not a Passdesk data file. "
                     "Restore it from a backup, or move it away so that Passdesk can start "
                     "a new one."),
                   path);
      break;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_INVALID,
                   _("The change was refused (%s). Check the application, then save again. "
                     "Nothing already saved was lost."),
                   detail);
      break;
    default:
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                   _("Passdesk could not read or write “%s” (%s). Check that the disk is "
                     "connected and that you may write to its folder, then try again. "
                     "Nothing already saved was lost."),
                   path, detail);
      break;
    }
}

/* How the store words a failure of its connection (PdSqliteConnection). */
static void
store_set_error (sqlite3   *db,
                 int        rc,
                 gpointer   user_data,
                 GError   **error)
{
  PdStore *self = user_data;

  set_sqlite_error (self->path, db, rc, error);
}

void
_pd_store_set_unreadable_error (PdStore     *self,
                                const char  *uuid,
                                GError     **error)
{
  g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_CORRUPT,
               _("The personal data of application %s in “%s” cannot be opened: it was "
                 "altered or damaged. Restore the data file from a backup."),
               uuid, self->path);
}

gboolean
_pd_store_check_open (PdStore  *self,
                      GError  **error)
{
  if (self->conn.db != NULL)
    return TRUE;
  g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
               _("The data file “%s” is closed. Open it again, then retry."),
               self->path);
  return FALSE;
}

/* Statements and transactions ---------------------------------------------------------- */

PdStatement *
_pd_store_prepare (PdStore     *self,
                   const char  *sql,
                   GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->conn.db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      pd_sqlite_conn_set_error (&self->conn, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

/* For the public entry points: a closed store gets the error that says to open it again. */
PdStatement *
_pd_store_prepare_open (PdStore     *self,
                        const char  *sql,
                        GError     **error)
{
  if (!_pd_store_check_open (self, error))
    return NULL;
  return _pd_store_prepare (self, sql, error);
}

/* Meta ----------------------------------------------------------------------------------- */

char *
_pd_store_meta_get (PdStore     *self,
                    const char  *key,
                    GError     **error)
{
  g_autoptr(PdStatement) stmt = _pd_store_prepare (self, "SELECT value FROM meta WHERE key = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return pd_sqlite_column_dup (stmt, 0);
  if (rc != SQLITE_DONE)
    pd_sqlite_conn_set_error (&self->conn, rc, error);
  return NULL;
}

gboolean
_pd_store_meta_set (PdStore     *self,
                    const char  *key,
                    const char  *value,
                    GError     **error)
{
  g_autoptr(PdStatement) stmt =
    _pd_store_prepare (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  pd_sqlite_bind_text (stmt, 1, key);
  pd_sqlite_bind_text (stmt, 2, value);
  return pd_sqlite_conn_step (&self->conn, stmt, error);
}

/* Reference data ------------------------------------------------------------------------- */

static gboolean
write_reference (PdStore           *self,
                 PdReferenceTable   table,
                 const char        *version,
                 GPtrArray         *entries,
                 GError           **error)
{
  const char *name = pd_reference_table_get_name (table);

  {
    g_autoptr(PdStatement) stmt = _pd_store_prepare (self, "DELETE FROM reference WHERE tbl = ?", error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, name);
    if (!pd_sqlite_conn_step (&self->conn, stmt, error))
      return FALSE;
  }

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "INSERT INTO reference (tbl, ord, code, name, parent, kind, amount)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)", error);

    if (stmt == NULL)
      return FALSE;
    for (guint i = 0; i < entries->len; i++)
      {
        const PdReferenceEntry *entry = g_ptr_array_index (entries, i);

        pd_sqlite_bind_text (stmt, 1, name);
        sqlite3_bind_int64 (stmt, 2, i);
        pd_sqlite_bind_text (stmt, 3, entry->code);
        pd_sqlite_bind_text (stmt, 4, entry->name ? entry->name : "");
        pd_sqlite_bind_text (stmt, 5, entry->parent);
        pd_sqlite_bind_text (stmt, 6, entry->kind);
        sqlite3_bind_int64 (stmt, 7, entry->amount);
        if (!pd_sqlite_conn_step (&self->conn, stmt, error))
          return FALSE;
        sqlite3_reset (stmt);
      }
  }

  {
    g_autoptr(PdStatement) stmt =
      _pd_store_prepare (self,
                         "INSERT OR REPLACE INTO reference_versions (tbl, version, updated_at)"
                         " VALUES (?, ?, ?)", error);

    if (stmt == NULL)
      return FALSE;
    pd_sqlite_bind_text (stmt, 1, name);
    pd_sqlite_bind_text (stmt, 2, version);
    sqlite3_bind_int64 (stmt, 3, _pd_store_now_seconds ());
    if (!pd_sqlite_conn_step (&self->conn, stmt, error))
      return FALSE;
  }

  {
    g_autofree char *detail = g_strdup_printf ("%s %s, %u entries", name, version, entries->len);

    return _pd_store_audit_append (self, NULL, "reference", NULL, detail, error);
  }
}

static gboolean
seed_reference (PdStore  *self,
                GError  **error)
{
  g_autoptr(PdReference) reference = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *version = g_strdup_printf ("installed-%s", PACKAGE_VERSION);

  reference = pd_reference_new_from_directory (pd_reference_get_default_directory (),
                                               &local_error);
  if (reference == NULL)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                   _("The reference data installed with Passdesk could not be read (%s). "
                     "Reinstall Passdesk, then try again."),
                   local_error->message);
      return FALSE;
    }

  for (PdReferenceTable table = 0; table < PD_N_REFERENCE_TABLES; table++)
    {
      g_autoptr(GPtrArray) entries = pd_reference_list (reference, table, NULL);

      if (!write_reference (self, table, version, entries, error))
        return FALSE;
    }
  return TRUE;
}

/* Opening ---------------------------------------------------------------------------------- */

static void
set_keyring_error (GError     **error,
                   GError      *cause)
{
  g_set_error_literal (error, PD_STORE_ERROR, PD_STORE_ERROR_KEYRING, cause->message);
}

static gboolean
create_store (PdStore  *self,
              GError  **error)
{
  g_autofree char *store_id = g_uuid_string_random ();
  g_autofree char *label = NULL;
  g_autofree char *check = NULL;
  g_autofree char *retention = g_strdup_printf ("%d", DEFAULT_RETENTION_DAYS);
  g_autoptr(GError) keyring_error = NULL;
  guint8 *key;

  if (!pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;
  if (!_pd_store_apply_migrations (self, 0, error))
    goto failed;

  key = pd_crypto_master_key_new ();
  self->keys = pd_crypto_keys_new (key, PD_CRYPTO_MASTER_KEY_BYTES);
  check = pd_crypto_keys_get_check (self->keys);
  self->store_id = g_strdup (store_id);

  if (!_pd_store_meta_set (self, "store_id", store_id, error) ||
      !_pd_store_meta_set (self, "key_check", check, error) ||
      !_pd_store_meta_set (self, "retention_days", retention, error) ||
      !seed_reference (self, error) ||
      !_pd_store_audit_append (self, NULL, "open", NULL, "created", error))
    {
      pd_crypto_master_key_free (key);
      goto failed;
    }

  /* The key goes to the keyring before the commit: a crash between the two leaves an
   * unused key, never a data file without its key. */
  label = g_strdup_printf (_("Passdesk data key (%s)"), self->path);
  if (!pd_secrets_store (PD_STORE_SECRET_KIND, store_id, label, key,
                         PD_CRYPTO_MASTER_KEY_BYTES, NULL, &keyring_error))
    {
      pd_crypto_master_key_free (key);
      set_keyring_error (error, keyring_error);
      goto failed;
    }
  pd_crypto_master_key_free (key);

  if (!pd_sqlite_conn_commit (&self->conn, error))
    {
      pd_secrets_clear (PD_STORE_SECRET_KIND, store_id, NULL, NULL);
      return FALSE;
    }
  return TRUE;

failed:
  pd_sqlite_rollback (self->conn.db);
  return FALSE;
}

static gboolean
unlock_store (PdStore  *self,
              GError  **error)
{
  g_autoptr(GError) keyring_error = NULL;
  g_autoptr(GBytes) master = NULL;
  g_autofree char *check = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(PdCryptoKeys) keys = NULL;

  /* A database with our version number but without these is not one of ours. */
  self->store_id = _pd_store_meta_get (self, "store_id", NULL);
  expected = _pd_store_meta_get (self, "key_check", NULL);
  if (self->store_id == NULL || expected == NULL)
    {
      set_sqlite_error (self->path, NULL, SQLITE_NOTADB, error);
      return FALSE;
    }

  master = pd_secrets_lookup (PD_STORE_SECRET_KIND, self->store_id, NULL, &keyring_error);
  if (keyring_error)
    {
      set_keyring_error (error, keyring_error);
      return FALSE;
    }
  if (master == NULL)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_KEYRING,
                   _("The key that opens the data file “%s” is not in this user's keyring. "
                     "Log in as the user who created it, or restore that user's keyring "
                     "from a backup. Without the key, the personal data in this file "
                     "cannot be read."),
                   self->path);
      return FALSE;
    }

  keys = pd_crypto_keys_new (g_bytes_get_data (master, NULL), g_bytes_get_size (master));
  if (keys != NULL)
    check = pd_crypto_keys_get_check (keys);
  if (check == NULL || sodium_memcmp (check, expected, MIN (strlen (check), strlen (expected)) + 1) != 0)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_WRONG_KEY,
                   _("The key in the keyring does not open the data file “%s”: the file or "
                     "the keyring was replaced. Restore both from the same backup, or ask "
                     "your administrator."),
                   self->path);
      return FALSE;
    }
  self->keys = g_steal_pointer (&keys);
  return TRUE;
}

static gboolean
query_int (PdStore     *self,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  g_autoptr(PdSqliteStatement) stmt = pd_sqlite_conn_prepare (&self->conn, sql, error);

  return stmt != NULL && pd_sqlite_conn_step_int64 (&self->conn, stmt, value, error);
}

static gboolean
quick_check (PdStore  *self,
             GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc = sqlite3_prepare_v2 (self->conn.db, "PRAGMA quick_check(1)", -1, &stmt, NULL);

  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);
  if (!ok)
    set_sqlite_error (self->path, NULL, rc == SQLITE_ROW ? SQLITE_CORRUPT : rc, error);
  return ok;
}

/* PRAGMA quick_check reads every page: 1.7 s at a million dossiers, on every start. Damage
 * is likely after an unclean end (a crash, a power cut on a disk that lies about flushing, a
 * copy taken mid-write), and SQLite leaves a trace of that: the last connection to close
 * checkpoints the WAL and deletes it, so a non-empty WAL at open time means that the last
 * writer did not close (or is still running, e.g. the application while the command line
 * opens the file). Small files are always checked since it costs little. A large file that
 * was closed cleanly is not: a damaged page read later still fails with
 * PD_STORE_ERROR_CORRUPT, and pd_store_check_integrity() checks everything without holding
 * up the start. */
#define ALWAYS_CHECK_BELOW_BYTES (64 * 1024 * 1024)

static gboolean
needs_check_at_open (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf st;

  if (g_stat (path, &st) != 0 || st.st_size < ALWAYS_CHECK_BELOW_BYTES)
    return TRUE;
  return g_stat (wal, &st) == 0 && st.st_size > 0;
}

static int
wal_hook (void       *data,
          sqlite3    *db,
          const char *name,
          int         n_frames)
{
  PdStore *self = data;

  if ((guint) n_frames >= self->wal_checkpoint_frames)
    sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  return SQLITE_OK;
}

static gboolean
open_store (PdStore           *self,
            PdStoreOpenFlags   flags,
            GError           **error)
{
  gboolean existed = g_file_test (self->path, G_FILE_TEST_EXISTS);
  /* Looked at before SQLite opens the file and its WAL. */
  gboolean check = existed && needs_check_at_open (self->path);
  gint64 version = 0;
  gint64 n_objects = 0;
  int rc;

  if (!existed && !(flags & PD_STORE_OPEN_CREATE))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("There is no data file at “%s”. Check the path, or create a new data "
                     "file."), self->path);
      return FALSE;
    }
  if (!existed)
    {
      g_autofree char *dir = g_path_get_dirname (self->path);

      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_IO,
                       _("The folder “%s” could not be created (%s). Check that you may "
                         "write there, then try again."),
                       dir, g_strerror (saved_errno));
          return FALSE;
        }
    }

  rc = sqlite3_open_v2 (self->path, &self->conn.db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      pd_sqlite_conn_set_error (&self->conn, rc, error);
      goto failed;
    }
  /* Before the first write, so that the WAL and shared-memory files inherit the mode. */
  if (!existed)
    g_chmod (self->path, 0600);
  sqlite3_extended_result_codes (self->conn.db, TRUE);
  sqlite3_busy_timeout (self->conn.db, DEFAULT_BUSY_TIMEOUT_MS);

  /* Nothing may be written before the version is known: a newer file is left untouched. */
  if (!query_int (self, "PRAGMA user_version", &version, error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    goto failed;
  if (version > PD_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NEWER_SCHEMA,
                   _("The data file “%s” was written by a newer version of Passdesk. "
                     "Install the newer version to open it; this file was not changed."),
                   self->path);
      goto failed;
    }
  if ((version == 0) != (n_objects == 0))
    {
      set_sqlite_error (self->path, NULL, SQLITE_NOTADB, error);
      goto failed;
    }
  if (version == 0 && !(flags & PD_STORE_OPEN_CREATE))
    {
      g_set_error (error, PD_STORE_ERROR, PD_STORE_ERROR_NOT_FOUND,
                   _("The data file “%s” is empty. Create a new data file instead."),
                   self->path);
      goto failed;
    }
  if (version > 0 && check && !quick_check (self, error))
    goto failed;

  /* synchronous=FULL: a commit is on the disk when it returns, even across a power cut.
   * secure_delete: purged data is overwritten, not left in free pages. */
  if (!pd_sqlite_conn_exec (&self->conn,
                            "PRAGMA journal_mode = WAL;"
                            "PRAGMA synchronous = FULL;"
                            "PRAGMA foreign_keys = ON;"
                            "PRAGMA secure_delete = FAST;"
                            "PRAGMA temp_store = MEMORY;"
                            "PRAGMA cache_size = -65536;"
                            "PRAGMA journal_size_limit = 67108864;", error))
    goto failed;
  self->wal_checkpoint_frames = WAL_CHECKPOINT_FRAMES;
  sqlite3_wal_hook (self->conn.db, wal_hook, self);

  if (version == 0)
    {
      if (!create_store (self, error))
        goto failed;
    }
  else
    {
      if (!unlock_store (self, error))
        goto failed;
      if (version < PD_STORE_SCHEMA_VERSION)
        {
          if (!pd_sqlite_conn_begin (&self->conn, error))
            goto failed;
          if (!_pd_store_apply_migrations (self, version, error) || !pd_sqlite_conn_commit (&self->conn, error))
            {
              pd_sqlite_rollback (self->conn.db);
              goto failed;
            }
        }
    }
  return TRUE;

failed:
  pd_store_close (self);
  if (!existed)
    {
      g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (self->path, "-shm", NULL);

      g_remove (wal);
      g_remove (shm);
      g_remove (self->path);
    }
  return FALSE;
}

/* GObject -------------------------------------------------------------------------------- */

static void
pd_store_finalize (GObject *object)
{
  PdStore *self = (PdStore *) object;

  pd_store_close (self);
  if (self->packet_destroy)
    self->packet_destroy (self->packet_data);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_free (self->path);
  g_free (self->store_id);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (pd_store_parent_class)->finalize (object);
}

static void
pd_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  PdStore *self = PD_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_STORE_ID:
      g_value_set_string (value, self->store_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  PdStore *self = PD_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_store_class_init (PdStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pd_store_finalize;
  object_class->get_property = pd_store_get_property;
  object_class->set_property = pd_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE_ID] =
    g_param_spec_string ("store-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pd_store_init (PdStore *self)
{
  g_mutex_init (&self->mutex);
  self->conn.set_error = store_set_error;
  self->conn.user_data = self;
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                            statement_free);
}

/* Public API ----------------------------------------------------------------------------- */

PdStore *
pd_store_open (const char        *path,
               PdStoreOpenFlags   flags,
               GError           **error)
{
  g_autoptr(PdStore) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (PD_TYPE_STORE, "path", path, NULL);
  if (!open_store (self, flags, error))
    return NULL;
  return g_steal_pointer (&self);
}

typedef struct
{
  char             *path;
  PdStoreOpenFlags  flags;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;
  PdStore *store = pd_store_open (data->path, data->flags, &error);

  if (store)
    g_task_return_pointer (task, store, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
pd_store_open_async (const char          *path,
                     PdStoreOpenFlags     flags,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (path != NULL);

  data = g_new0 (OpenData, 1);
  data->path = g_strdup (path);
  data->flags = flags;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_store_open_async);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

PdStore *
pd_store_open_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
pd_store_get_path (PdStore *self)
{
  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  return self->path;
}

const char *
pd_store_get_store_id (PdStore *self)
{
  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  return self->store_id;
}

void
pd_store_set_busy_timeout (PdStore *self,
                           guint    milliseconds)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (PD_IS_STORE (self));

  locker = g_mutex_locker_new (&self->mutex);
  if (self->conn.db)
    sqlite3_busy_timeout (self->conn.db, (int) MIN (milliseconds, G_MAXINT));
}

void
pd_store_close (PdStore *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (PD_IS_STORE (self));

  locker = g_mutex_locker_new (&self->mutex);
  g_hash_table_remove_all (self->statements);
  if (self->conn.db)
    {
      sqlite3_exec (self->conn.db, "PRAGMA optimize", NULL, NULL, NULL);
      sqlite3_close (self->conn.db);
      self->conn.db = NULL;
    }
  g_clear_pointer (&self->keys, pd_crypto_keys_free);
  g_clear_object (&self->reference);
}

static int
check_cancelled (void *cancellable)
{
  return g_cancellable_is_cancelled (cancellable);
}

gboolean
pd_store_check_integrity (PdStore       *self,
                          GCancellable  *cancellable,
                          GError       **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  {
    g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->mutex);

    if (!_pd_store_check_open (self, error))
      return FALSE;
  }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  rc = sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (db, TRUE);
      sqlite3_busy_timeout (db, DEFAULT_BUSY_TIMEOUT_MS);
      if (cancellable)
        sqlite3_progress_handler (db, 1000, check_cancelled, cancellable);
      rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check(1)", -1, &stmt, NULL);
    }
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ok = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
      if (!ok)
        {
          g_debug ("integrity check of %s: %s", self->path, sqlite3_column_text (stmt, 0));
          rc = SQLITE_CORRUPT;
        }
    }

  if (!ok && !((rc & 0xff) == SQLITE_INTERRUPT &&
               g_cancellable_set_error_if_cancelled (cancellable, error)))
    set_sqlite_error (self->path, db, rc, error);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

static void
check_integrity_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  GError *error = NULL;

  if (pd_store_check_integrity (source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
pd_store_check_integrity_async (PdStore             *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PD_IS_STORE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_store_check_integrity_async);
  g_task_run_in_thread (task, check_integrity_thread);
}

gboolean
pd_store_check_integrity_finish (PdStore       *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

PdReference *
pd_store_get_reference (PdStore *self)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdReference) reference = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (self->reference)
    return g_object_ref (self->reference);

  reference = pd_reference_new ();
  if (self->conn.db == NULL)
    return g_steal_pointer (&reference);

  for (PdReferenceTable table = 0; table < PD_N_REFERENCE_TABLES; table++)
    {
      g_autoptr(PdStatement) stmt =
        _pd_store_prepare (self,
                           "SELECT code, name, parent, kind, amount FROM reference WHERE tbl = ?"
                           " ORDER BY ord", NULL);
      GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_reference_entry_free);

      if (stmt != NULL)
        {
          pd_sqlite_bind_text (stmt, 1, pd_reference_table_get_name (table));
          while (sqlite3_step (stmt) == SQLITE_ROW)
            g_ptr_array_add (entries,
                             pd_reference_entry_new ((const char *) sqlite3_column_text (stmt, 0),
                                                     (const char *) sqlite3_column_text (stmt, 1),
                                                     (const char *) sqlite3_column_text (stmt, 2),
                                                     (const char *) sqlite3_column_text (stmt, 3),
                                                     sqlite3_column_int64 (stmt, 4)));
        }
      pd_reference_set_table (reference, table, entries);
    }
  self->reference = g_object_ref (reference);
  return g_steal_pointer (&reference);
}

gboolean
pd_store_replace_reference (PdStore           *self,
                            PdReferenceTable   table,
                            const char        *version,
                            GPtrArray         *entries,
                            GError           **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);
  g_return_val_if_fail (entries != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;
  if (!write_reference (self, table, version, entries, error))
    {
      pd_sqlite_rollback (self->conn.db);
      return FALSE;
    }
  if (!pd_sqlite_conn_commit (&self->conn, error))
    return FALSE;
  g_clear_object (&self->reference);
  return TRUE;
}

char *
pd_store_get_reference_version (PdStore          *self,
                                PdReferenceTable  table)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PdStatement) stmt = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (table < PD_N_REFERENCE_TABLES, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (self->conn.db == NULL)
    return NULL;
  stmt = _pd_store_prepare (self, "SELECT version FROM reference_versions WHERE tbl = ?", NULL);
  if (stmt == NULL)
    return NULL;
  pd_sqlite_bind_text (stmt, 1, pd_reference_table_get_name (table));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return pd_sqlite_column_dup (stmt, 0);
}

char *
pd_store_get_setting (PdStore    *self,
                      const char *key)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *meta_key = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  if (self->conn.db == NULL)
    return NULL;
  meta_key = g_strconcat ("setting.", key, NULL);
  return _pd_store_meta_get (self, meta_key, NULL);
}

gboolean
pd_store_set_setting (PdStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *meta_key = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;
  meta_key = g_strconcat ("setting.", key, NULL);
  if (!_pd_store_meta_set (self, meta_key, value, error))
    {
      pd_sqlite_rollback (self->conn.db);
      return FALSE;
    }
  return pd_sqlite_conn_commit (&self->conn, error);
}

/* Signed settings ---------------------------------------------------------------------------- */

#define SIGNED_PREFIX "signed-setting."

/* The stored form is the hex of the keyed hash, a colon, then the value. */
static char *
sign_setting (PdStore    *self,
              const char *meta_key,
              const char *value)
{
  guint8 mac[PD_CRYPTO_HASH_BYTES];
  g_autofree char *hex = NULL;

  pd_crypto_setting_mac (self->keys, meta_key, value, mac);
  hex = g_malloc (2 * sizeof mac + 1);
  sodium_bin2hex (hex, 2 * sizeof mac + 1, mac, sizeof mac);
  return g_strconcat (hex, ":", value, NULL);
}

/* (nullable): the value of the stored form @stored of @meta_key, NULL when it was altered. */
char *
_pd_store_check_signed (PdStore    *self,
                        const char *meta_key,
                        const char *stored)
{
  g_autofree char *expected = NULL;
  const char *colon = stored ? strchr (stored, ':') : NULL;

  if (colon == NULL)
    return NULL;
  expected = sign_setting (self, meta_key, colon + 1);
  if (strlen (expected) != strlen (stored) ||
      sodium_memcmp (expected, stored, colon - stored) != 0)
    return NULL;
  return g_strdup (colon + 1);
}

gboolean
pd_store_set_signed_setting (PdStore     *self,
                             const char  *key,
                             const char  *value,
                             GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *meta_key = NULL;
  g_autofree char *stored = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;
  meta_key = g_strconcat (SIGNED_PREFIX, key, NULL);
  stored = value ? sign_setting (self, meta_key, value) : NULL;
  if (!_pd_store_meta_set (self, meta_key, stored, error))
    {
      pd_sqlite_rollback (self->conn.db);
      return FALSE;
    }
  return pd_sqlite_conn_commit (&self->conn, error);
}

char *
pd_store_get_signed_setting (PdStore    *self,
                             const char *key,
                             gboolean   *altered)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autofree char *meta_key = NULL;
  g_autofree char *stored = NULL;
  char *value;

  g_return_val_if_fail (PD_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (altered)
    *altered = FALSE;
  locker = g_mutex_locker_new (&self->mutex);
  if (self->conn.db == NULL)
    return NULL;
  meta_key = g_strconcat (SIGNED_PREFIX, key, NULL);
  stored = _pd_store_meta_get (self, meta_key, NULL);
  if (stored == NULL)
    return NULL;
  value = _pd_store_check_signed (self, meta_key, stored);
  if (value == NULL && altered)
    *altered = TRUE;
  return value;
}

/* Queue (pd-queue-private.h) ---------------------------------------------------------------- */

gboolean
pd_store_run_sql (PdStore        *self,
                  PdStoreSqlFunc  func,
                  gpointer        user_data,
                  GError        **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (PD_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  if (!_pd_store_check_open (self, error) || !pd_sqlite_conn_begin (&self->conn, error))
    return FALSE;
  if (!func (self->conn.db, user_data, error))
    {
      pd_sqlite_rollback (self->conn.db);
      return FALSE;
    }
  return pd_sqlite_conn_commit (&self->conn, error);
}
