/* fuzz-central-db.c: one central database per fuzzing process, in a temporary folder that goes
 * with the process (a replay in every test run must not pile up databases in /tmp). */
#define G_LOG_DOMAIN "fuzz-central-db"

#include "config.h"

#include <stdlib.h>
#include <glib/gstdio.h>

#include "fuzz-central-db.h"
#include "pd-core.h"

static char *db_dir;

static void
remove_db_dir (void)
{
  g_autoptr(GDir) dir = g_dir_open (db_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (db_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (db_dir);
}

PdCentralDb *
pd_fuzz_central_db (void)
{
  static PdCentralDb *db;

  if (db == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;

      db_dir = g_dir_make_tmp ("passdesk-fuzz-central-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_db_dir);
      g_assert (pd_core_init ());
      path = g_build_filename (db_dir, "central.db", NULL);
      db = pd_central_db_open (path, &error);
      g_assert_no_error (error);
    }
  return db;
}
