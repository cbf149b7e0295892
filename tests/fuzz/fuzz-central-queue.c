/* fuzz-central-queue.c: what passdesk-central does with a station's queue requests: ticket
 * pushes, calls, appointment bookings and slips (bodies), and the queue and appointment pulls
 * (queries). The first byte chooses the route, the rest is the body or the query. Everything
 * runs against a real central database in a temporary directory, kept across inputs as a
 * server keeps it across requests; each answer must be a JSON object under a status the
 * protocol names, an error body for anything but 200. */
#include "config.h"

#include <stdlib.h>
#include <glib/gstdio.h>

#include "pd-central-db.h"
#include "pd-central-queue.h"
#include "pd-core.h"
#include "fuzz-target.h"

static char *db_dir;

/* The database goes with the process: a replay in every test run must not pile up in /tmp. */
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

static PdCentralQueue *
get_queue (void)
{
  static PdCentralQueue *queue;

  if (queue == NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = NULL;
      g_autoptr(PdCentralDb) db = NULL;

      db_dir = g_dir_make_tmp ("passdesk-fuzz-central-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_db_dir);
      g_assert (pd_core_init ());
      path = g_build_filename (db_dir, "central.db", NULL);
      db = pd_central_db_open (path, &error);
      g_assert_no_error (error);
      queue = pd_central_queue_new (db);
    }
  return queue;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const PdCentralQueueRoute routes[] = {
    PD_CENTRAL_QUEUE_PUSH, PD_CENTRAL_QUEUE_CALL, PD_CENTRAL_QUEUE_BOOKINGS,
    PD_CENTRAL_QUEUE_SLIPS, PD_CENTRAL_QUEUE_PULL, PD_CENTRAL_QUEUE_APPOINTMENTS,
  };
  PdCentralQueue *queue = get_queue ();
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *query = NULL;
  PdCentralQueueRoute route;
  guint status = 0;

  if (size == 0)
    return 0;
  route = routes[data[0] % G_N_ELEMENTS (routes)];
  /* A query reaches the handler as text: soup stops it at a NUL. */
  query = g_strndup ((const char *) data + 1, MIN (size - 1, 2048));
  if (route == PD_CENTRAL_QUEUE_PULL || route == PD_CENTRAL_QUEUE_APPOINTMENTS)
    answer = pd_central_queue_handle (queue, route, "HN01", query, NULL, 0, &status);
  else
    answer = pd_central_queue_handle (queue, route, "HN01", NULL, data + 1, size - 1, &status);

  g_assert (answer != NULL && JSON_NODE_HOLDS_OBJECT (answer));
  g_assert_cmpuint (status, >=, 200);
  g_assert_cmpuint (status, <, 600);
  if (status != 200)
    g_assert (json_object_has_member (json_node_get_object (answer), "error"));
  return 0;
}
