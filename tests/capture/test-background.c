/* test-background.c: pd_background_run_task() runs its work on threads of lowered CPU priority,
 * returns the result on the caller's main context, and leaves GLib's own threads alone. */
#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pd-background.h"
#include "pd-test-support.h"

static int
this_thread_nice (void)
{
  errno = 0;
  return getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
}

static void
report_nice (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_task_return_int (task, this_thread_nice ());
}

static void
keep_result (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  /* Back on the thread that asked. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  *slot = g_object_ref (result);
}

static int
run (gboolean background)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int nice;

  task = g_task_new (NULL, NULL, keep_result, &result);
  if (background)
    pd_background_run_task (task, report_nice);
  else
    g_task_run_in_thread (task, report_nice);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  nice = g_task_propagate_int (G_TASK (result), &error);
  g_assert_no_error (error);
  return nice;
}

static void
test_lowered (void)
{
  int caller = this_thread_nice ();

  /* Several times: each job, on whichever of the workers, runs lowered. */
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (run (TRUE), >=, MIN (caller + 10, 19));
  /* This thread and GTask's own pool keep their priority. */
  g_assert_cmpint (this_thread_nice (), ==, caller);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (run (FALSE), ==, caller);
}

static gpointer
lower_in_thread (gpointer data)
{
  pd_background_lower_this_thread ();
  pd_background_lower_this_thread ();
  return GINT_TO_POINTER (this_thread_nice ());
}

static void
test_lower_this_thread (void)
{
  int caller = this_thread_nice ();
  GThread *thread = g_thread_new ("lowered", lower_in_thread, NULL);

  g_assert_cmpint (GPOINTER_TO_INT (g_thread_join (thread)), >=, MIN (caller + 10, 19));
  g_assert_cmpint (this_thread_nice (), ==, caller);
}

int
main (int   argc,
      char *argv[])
{
  pd_test_init (&argc, &argv);
  g_test_add_func ("/background/lowered", test_lowered);
  g_test_add_func ("/background/lower-this-thread", test_lower_this_thread);
  return g_test_run ();
}
