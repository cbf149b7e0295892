/* pd-background.c: work run below the window's priority, so the main thread never waits for a CPU. */
#define G_LOG_DOMAIN "pd-background"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pd-background.h"

/* Enough to stay out of the way of the main thread, not so much that the work starves on a
 * machine that is busy anyway. */
#define BACKGROUND_NICE 10
/* The photo checks and a still's crop may overlap; more would only queue up. */
#define MAX_WORKERS 2

typedef struct
{
  GTask           *task;
  GTaskThreadFunc  func;
} Job;

void
pd_background_lower_this_thread (void)
{
  static GPrivate lowered;
  /* Linux gives each thread a nice value of its own; setpriority() takes a thread id. */
  pid_t tid = (pid_t) syscall (SYS_gettid);
  int current;

  if (g_private_get (&lowered) != NULL)
    return;
  g_private_set (&lowered, GINT_TO_POINTER (TRUE));
  errno = 0;
  current = getpriority (PRIO_PROCESS, (id_t) tid);
  if (errno != 0)
    current = 0;
  if (setpriority (PRIO_PROCESS, (id_t) tid, MIN (current + BACKGROUND_NICE, 19)) != 0)
    g_debug ("Cannot lower the priority of thread %d: %s", (int) tid, g_strerror (errno));
}

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;

  pd_background_lower_this_thread ();
  job->func (job->task, g_task_get_source_object (job->task), g_task_get_task_data (job->task),
             g_task_get_cancellable (job->task));
  g_object_unref (job->task);
  g_free (job);
}

void
pd_background_run_task (GTask           *task,
                        GTaskThreadFunc  func)
{
  static GThreadPool *pool;
  Job *job;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  if (g_once_init_enter (&pool))
    {
      /* Exclusive: the threads are this pool's alone. A shared one would hand a lowered thread
       * back to GLib, to run some other pool's work (GTask's, say) at this priority. */
      GThreadPool *made = g_thread_pool_new (run_job, NULL, MAX_WORKERS, TRUE, NULL);

      g_once_init_leave (&pool, made);
    }
  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (pool, job, NULL);
}
