/* pd-sane.c: document scanners through SANE, every call in one worker thread. */
#define G_LOG_DOMAIN "pd-sane"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <sane/sane.h>
#include <sane/saneopts.h>

#include "pd-sane.h"
#include "pd-sane-private.h"

G_DEFINE_QUARK (pd-sane-error-quark, pd_sane_error)

G_DEFINE_BOXED_TYPE (PdSaneDevice, pd_sane_device, pd_sane_device_copy, pd_sane_device_free)

/* Held around every SANE call. */
static GMutex sane_lock;

static const struct {
  const char *kind;
  const char *label;
  double      width_mm;
  double      height_mm;
  int         resolution;
} documents[PD_SANE_N_DOCUMENTS] = {
  /* ID-1 cards are 85.6 x 54 mm; an ID-3 passport page 125 x 88 mm. 300 dpi keeps the
   * 6-point print of a card readable; a letter needs less. */
  [PD_SANE_DOCUMENT_ID_CARD_FRONT] = { "id-card-front", N_("ID card, front"), 90, 58, 300 },
  [PD_SANE_DOCUMENT_ID_CARD_BACK] = { "id-card-back", N_("ID card, back"), 90, 58, 300 },
  [PD_SANE_DOCUMENT_OLD_PASSPORT] = { "passport", N_("Old passport, data page"), 130, 92, 300 },
  [PD_SANE_DOCUMENT_OTHER_PAPER] = { "document", N_("Other paper (up to A4)"), 210, 297, 200 },
};

void
pd_sane_document_get_options (PdSaneDocument     document,
                              PdSaneScanOptions *options)
{
  g_return_if_fail (document < PD_SANE_N_DOCUMENTS);

  *options = (PdSaneScanOptions) {
    .resolution = documents[document].resolution,
    .color_mode = PD_SANE_COLOR,
    .source = PD_SANE_SOURCE_FLATBED,
    .width_mm = documents[document].width_mm,
    .height_mm = documents[document].height_mm,
  };
}

const char *
pd_sane_document_get_kind (PdSaneDocument document)
{
  g_return_val_if_fail (document < PD_SANE_N_DOCUMENTS, NULL);

  return documents[document].kind;
}

const char *
pd_sane_document_get_label (PdSaneDocument document)
{
  g_return_val_if_fail (document < PD_SANE_N_DOCUMENTS, NULL);

  return _(documents[document].label);
}

PdSaneDevice *
pd_sane_device_copy (const PdSaneDevice *device)
{
  PdSaneDevice *copy = g_new0 (PdSaneDevice, 1);

  copy->name = g_strdup (device->name);
  copy->vendor = g_strdup (device->vendor);
  copy->model = g_strdup (device->model);
  copy->type = g_strdup (device->type);
  return copy;
}

void
pd_sane_device_free (PdSaneDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->vendor);
  g_free (device->model);
  g_free (device->type);
  g_free (device);
}

char *
pd_sane_device_get_label (const PdSaneDevice *device)
{
  if (device->vendor == NULL || *device->vendor == '\0'
      || g_ascii_strcasecmp (device->vendor, "Noname") == 0)
    return g_strdup (device->model != NULL ? device->model : device->name);
  return g_strdup_printf ("%s %s", device->vendor, device->model != NULL ? device->model : "");
}

/* With sane_lock held. */
static gboolean
ensure_sane (GError **error)
{
  static gboolean initialized;
  SANE_Int version;
  SANE_Status status;

  if (initialized)
    return TRUE;
  status = sane_init (&version, NULL);
  if (status != SANE_STATUS_GOOD)
    {
      g_set_error (error, PD_SANE_ERROR, PD_SANE_ERROR_FAILED,
                   _("Scanners cannot be used (%s). Reinstall the libsane1 package."),
                   sane_strstatus (status));
      return FALSE;
    }
  g_debug ("SANE %d.%d.%d", SANE_VERSION_MAJOR (version), SANE_VERSION_MINOR (version),
           SANE_VERSION_BUILD (version));
  initialized = TRUE;
  return TRUE;
}

static GError *
error_from_status (SANE_Status  status,
                   const char  *device_name)
{
  switch (status)
    {
    case SANE_STATUS_CANCELLED:
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The scan was cancelled."));
    case SANE_STATUS_DEVICE_BUSY:
      return g_error_new_literal (PD_SANE_ERROR, PD_SANE_ERROR_BUSY,
                                  _("The scanner is busy. Wait until it has finished, or switch "
                                    "it off and on again, then scan again."));
    case SANE_STATUS_JAMMED:
      return g_error_new_literal (PD_SANE_ERROR, PD_SANE_ERROR_JAMMED,
                                  _("The paper is jammed in the scanner. Remove it, then scan "
                                    "again."));
    case SANE_STATUS_NO_DOCS:
      return g_error_new_literal (PD_SANE_ERROR, PD_SANE_ERROR_NO_DOCUMENT,
                                  _("The document feeder is empty. Put the paper in, then scan "
                                    "again."));
    case SANE_STATUS_COVER_OPEN:
      return g_error_new_literal (PD_SANE_ERROR, PD_SANE_ERROR_COVER_OPEN,
                                  _("The scanner’s cover is open. Close it, then scan again."));
    case SANE_STATUS_IO_ERROR:
      return g_error_new_literal (PD_SANE_ERROR, PD_SANE_ERROR_IO,
                                  _("The scanner does not answer. Check its cable and that it "
                                    "is switched on, then scan again."));
    case SANE_STATUS_ACCESS_DENIED:
      return g_error_new_literal (PD_SANE_ERROR, PD_SANE_ERROR_PERMISSION,
                                  _("Passdesk may not use the scanner. Ask the administrator to "
                                    "add your account to the “scanner” group, then log in "
                                    "again."));
    case SANE_STATUS_UNSUPPORTED:
    case SANE_STATUS_INVAL:
      return g_error_new (PD_SANE_ERROR, PD_SANE_ERROR_UNSUPPORTED,
                          _("The scanner “%s” refused the settings (%s). Choose another "
                            "document kind or another scanner."),
                          device_name, sane_strstatus (status));
    case SANE_STATUS_NO_MEM:
      return g_error_new_literal (PD_SANE_ERROR, PD_SANE_ERROR_FAILED,
                                  _("There is not enough memory to scan. Close other programs, "
                                    "then scan again."));
    case SANE_STATUS_GOOD:
    case SANE_STATUS_EOF:
    default:
      return g_error_new (PD_SANE_ERROR, PD_SANE_ERROR_FAILED,
                          _("The scan failed (%s). Switch the scanner off and on again, then "
                            "scan again."), sane_strstatus (status));
    }
}

/* Listing */

static void
list_devices_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_sane_device_free);
  const SANE_Device **devices = NULL;
  GError *error = NULL;
  SANE_Status status;

  g_mutex_lock (&sane_lock);
  if (!ensure_sane (&error))
    {
      g_mutex_unlock (&sane_lock);
      g_task_return_error (task, error);
      return;
    }
  status = sane_get_devices (&devices, SANE_FALSE);
  if (status == SANE_STATUS_GOOD)
    for (guint i = 0; devices[i] != NULL; i++)
      {
        PdSaneDevice *device = g_new0 (PdSaneDevice, 1);

        device->name = g_strdup (devices[i]->name);
        device->vendor = g_strdup (devices[i]->vendor);
        device->model = g_strdup (devices[i]->model);
        device->type = g_strdup (devices[i]->type);
        g_ptr_array_add (result, device);
      }
  g_mutex_unlock (&sane_lock);

  if (status != SANE_STATUS_GOOD)
    g_task_return_error (task, error_from_status (status, ""));
  else if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) g_ptr_array_unref);
}

void
pd_sane_list_devices_async (GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pd_sane_list_devices_async);
  g_task_run_in_thread (task, list_devices_thread);
}

GPtrArray *
pd_sane_list_devices_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Options */

static int
find_option (SANE_Handle                    handle,
             const char                    *name,
             const SANE_Option_Descriptor **descriptor)
{
  SANE_Int count = 0;

  if (sane_control_option (handle, 0, SANE_ACTION_GET_VALUE, &count, NULL) != SANE_STATUS_GOOD)
    return -1;
  for (int i = 1; i < count; i++)
    {
      const SANE_Option_Descriptor *d = sane_get_option_descriptor (handle, i);

      if (d != NULL && d->name != NULL && strcmp (d->name, name) == 0
          && SANE_OPTION_IS_ACTIVE (d->cap) && SANE_OPTION_IS_SETTABLE (d->cap))
        {
          *descriptor = d;
          return i;
        }
    }
  return -1;
}

/* Sets the string option @name to the first of its values that contains one of @wanted
 * (case-insensitively). FALSE when the option or such a value does not exist. */
static gboolean
set_string_option (SANE_Handle         handle,
                   const char         *name,
                   const char * const *wanted)
{
  const SANE_Option_Descriptor *d;
  int index = find_option (handle, name, &d);

  if (index < 0 || d->type != SANE_TYPE_STRING || d->constraint_type != SANE_CONSTRAINT_STRING_LIST)
    return FALSE;
  for (guint w = 0; wanted[w] != NULL; w++)
    for (guint i = 0; d->constraint.string_list[i] != NULL; i++)
      {
        g_autofree char *folded = g_ascii_strdown (d->constraint.string_list[i], -1);

        if (strstr (folded, wanted[w]) != NULL)
          {
            g_autofree char *value = g_malloc0 (MAX (d->size, 1));

            g_strlcpy (value, d->constraint.string_list[i], MAX (d->size, 1));
            return sane_control_option (handle, index, SANE_ACTION_SET_VALUE, value, NULL)
                   == SANE_STATUS_GOOD;
          }
      }
  return FALSE;
}

/* Sets the number option @name to the allowed value nearest @value and returns the value
 * the scanner took, or -1 when there is no such option. */
static double
set_number_option (SANE_Handle  handle,
                   const char  *name,
                   double       value)
{
  const SANE_Option_Descriptor *d;
  int index = find_option (handle, name, &d);
  gboolean fixed;
  double best = value;
  SANE_Word word;

  if (index < 0 || (d->type != SANE_TYPE_INT && d->type != SANE_TYPE_FIXED))
    return -1;
  fixed = d->type == SANE_TYPE_FIXED;
#define TO_DOUBLE(w) (fixed ? SANE_UNFIX (w) : (double) (w))

  if (d->constraint_type == SANE_CONSTRAINT_RANGE)
    {
      double min = TO_DOUBLE (d->constraint.range->min), max = TO_DOUBLE (d->constraint.range->max);
      double quant = TO_DOUBLE (d->constraint.range->quant);

      best = CLAMP (value, min, max);
      if (quant > 0)
        best = MIN (max, min + round ((best - min) / quant) * quant);
    }
  else if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST)
    {
      /* The first word is the length of the list. */
      for (int i = 1; i <= d->constraint.word_list[0]; i++)
        {
          double candidate = TO_DOUBLE (d->constraint.word_list[i]);

          if (i == 1 || fabs (candidate - value) < fabs (best - value))
            best = candidate;
        }
    }
  word = fixed ? SANE_FIX (best) : (SANE_Word) round (best);
  if (sane_control_option (handle, index, SANE_ACTION_SET_VALUE, &word, NULL) != SANE_STATUS_GOOD
      || sane_control_option (handle, index, SANE_ACTION_GET_VALUE, &word, NULL) != SANE_STATUS_GOOD)
    return -1;
  return TO_DOUBLE (word);
#undef TO_DOUBLE
}

static gboolean
apply_options (SANE_Handle               handle,
               const char               *device_name,
               const PdSaneScanOptions  *options,
               int                      *resolution,
               GError                  **error)
{
  static const char * const color[] = { "color", "colour", "rgb", NULL };
  static const char * const gray[] = { "gray", "grey", NULL };
  static const char * const flatbed[] = { "flatbed", "normal", NULL };
  static const char * const feeder[] = { "automatic document feeder", "adf", "feeder", NULL };
  const char * const geometry[] = { SANE_NAME_SCAN_BR_X, SANE_NAME_SCAN_BR_Y };
  const double extent[] = { options->width_mm, options->height_mm };
  double dpi;

  /* The mode first: a backend may offer other resolutions in colour. */
  set_string_option (handle, SANE_NAME_SCAN_MODE,
                     options->color_mode == PD_SANE_COLOR ? color : gray);
  if (options->source == PD_SANE_SOURCE_FEEDER
      && !set_string_option (handle, SANE_NAME_SCAN_SOURCE, feeder))
    {
      g_set_error (error, PD_SANE_ERROR, PD_SANE_ERROR_UNSUPPORTED,
                   _("The scanner “%s” has no document feeder. Put the paper on the glass and "
                     "scan from the flatbed."), device_name);
      return FALSE;
    }
  if (options->source == PD_SANE_SOURCE_FLATBED)
    set_string_option (handle, SANE_NAME_SCAN_SOURCE, flatbed);

  dpi = set_number_option (handle, SANE_NAME_SCAN_RESOLUTION, options->resolution);
  *resolution = dpi > 0 ? (int) round (dpi) : 0;

  set_number_option (handle, SANE_NAME_SCAN_TL_X, 0);
  set_number_option (handle, SANE_NAME_SCAN_TL_Y, 0);
  for (guint i = 0; i < G_N_ELEMENTS (geometry); i++)
    {
      const SANE_Option_Descriptor *d;
      int index = find_option (handle, geometry[i], &d);
      double value = extent[i];

      if (index < 0)
        continue;
      /* Some backends count the area in pixels at the current resolution. */
      if (d->unit == SANE_UNIT_PIXEL && *resolution > 0)
        value = value / 25.4 * *resolution;
      /* 0, or more than the glass: the largest the option allows. */
      set_number_option (handle, geometry[i], value > 0 ? value : G_MAXINT);
    }
  return TRUE;
}

/* Scanning */

typedef struct
{
  gint               ref_count;
  GMainContext      *context;
  PdSaneProgressFunc func;
  gpointer           data;
  GDestroyNotify     data_free;
} Progress;

static Progress *
progress_ref (Progress *progress)
{
  g_atomic_int_inc (&progress->ref_count);
  return progress;
}

static void
progress_unref (Progress *progress)
{
  if (!g_atomic_int_dec_and_test (&progress->ref_count))
    return;
  if (progress->data_free != NULL)
    progress->data_free (progress->data);
  g_main_context_unref (progress->context);
  g_free (progress);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Progress, progress_unref)

typedef struct
{
  Progress *progress;
  double    fraction;
} ProgressReport;

static gboolean
report_progress (gpointer data)
{
  ProgressReport *report = data;

  report->progress->func (report->fraction, report->progress->data);
  return G_SOURCE_REMOVE;
}

static void
progress_report_free (gpointer data)
{
  ProgressReport *report = data;

  progress_unref (report->progress);
  g_free (report);
}

static void
post_progress (Progress *progress,
               double    fraction)
{
  ProgressReport *report;

  if (progress == NULL)
    return;
  report = g_new0 (ProgressReport, 1);
  report->progress = progress_ref (progress);
  report->fraction = fraction;
  g_main_context_invoke_full (progress->context, G_PRIORITY_DEFAULT, report_progress, report,
                              progress_report_free);
}

typedef struct
{
  char              *device_name;
  PdSaneScanOptions  options;
  Progress          *progress;
  int                resolution;
} ScanData;

static void
scan_data_free (ScanData *data)
{
  g_free (data->device_name);
  g_clear_pointer (&data->progress, progress_unref);
  g_free (data);
}

/* One frame (a page, or one colour of a three-pass scanner) into @planes. */
static SANE_Status
read_frame (SANE_Handle       handle,
            SANE_Parameters  *params,
            GByteArray       *bytes,
            Progress         *progress,
            GCancellable     *cancellable,
            int               pass,
            int               passes)
{
  guint8 buffer[64 * 1024];
  gsize expected = params->lines > 0 ? (gsize) params->bytes_per_line * params->lines : 0;
  double reported = -2;

  for (;;)
    {
      SANE_Int length = 0;
      SANE_Status status;

      if (g_cancellable_is_cancelled (cancellable))
        return SANE_STATUS_CANCELLED;
      status = sane_read (handle, buffer, sizeof buffer, &length);
      if (status == SANE_STATUS_EOF)
        return SANE_STATUS_GOOD;
      if (status != SANE_STATUS_GOOD)
        return status;
      g_byte_array_append (bytes, buffer, length);

      if (expected > 0)
        {
          double fraction = (pass + MIN (1.0, (double) bytes->len / expected)) / passes;

          if (fraction - reported >= 0.01)
            {
              post_progress (progress, fraction);
              reported = fraction;
            }
        }
      else if (reported != -1)
        {
          post_progress (progress, -1);
          reported = -1;
        }
    }
}

static inline guint8
sample_at (const guint8 *row,
           int           index,
           int           depth)
{
  if (depth == 16)
    {
      /* A line of an odd number of bytes leaves the next line's samples unaligned. */
      guint16 sample;

      memcpy (&sample, row + 2 * (gsize) index, sizeof sample);
      return sample >> 8;
    }
  if (depth == 1)
    /* In line art a set bit is black. */
    return (row[index / 8] & (0x80 >> (index % 8))) ? 0 : 255;
  return row[index];
}

gboolean
pd_sane_frame_to_pixbuf (const SANE_Parameters  *params,
                         const guint8           *data,
                         gsize                   length,
                         const char             *device_name,
                         GdkPixbuf             **pixbuf,
                         GError                **error)
{
  int lines, channel = -1;
  guint64 line_bytes;

  if ((params->depth != 1 && params->depth != 8 && params->depth != 16)
      || (params->depth == 1 && params->format != SANE_FRAME_GRAY)
      || params->format < SANE_FRAME_GRAY || params->format > SANE_FRAME_BLUE
      || params->pixels_per_line <= 0 || params->bytes_per_line <= 0)
    {
      g_set_error (error, PD_SANE_ERROR, PD_SANE_ERROR_UNSUPPORTED,
                   _("The scanner “%s” sends pictures Passdesk cannot read (%d bits a "
                     "sample). Choose the colour or grey mode in the scanner’s settings."),
                   device_name, params->depth);
      return FALSE;
    }
  /* Each line is read up to its last pixel: a driver that says its lines are shorter than
   * its width would have the last line read past the end of what it sent. */
  line_bytes = ((guint64) params->pixels_per_line * (params->format == SANE_FRAME_RGB ? 3 : 1) *
                params->depth + 7) / 8;
  if (line_bytes > (guint64) params->bytes_per_line)
    {
      g_set_error (error, PD_SANE_ERROR, PD_SANE_ERROR_FAILED,
                   _("The scanner “%s” sent a damaged page (%d pixels a line in %d bytes). "
                     "Scan again; if this persists, switch the scanner off and on again."),
                   device_name, params->pixels_per_line, params->bytes_per_line);
      return FALSE;
    }
  /* Hand scanners and feeders learn the length of the page while scanning. */
  lines = params->lines > 0 ? params->lines : (int) MIN (length / params->bytes_per_line, G_MAXINT);
  lines = MIN (lines, (int) MIN (length / params->bytes_per_line, G_MAXINT));
  if (lines <= 0)
    {
      g_set_error (error, PD_SANE_ERROR, PD_SANE_ERROR_FAILED,
                   _("The scanner “%s” sent an empty page. Check that the document lies on "
                     "the glass, then scan again."), device_name);
      return FALSE;
    }
  if (*pixbuf == NULL)
    {
      *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, params->pixels_per_line, lines);
      if (*pixbuf == NULL)
        {
          g_propagate_error (error, error_from_status (SANE_STATUS_NO_MEM, device_name));
          return FALSE;
        }
      /* A pass that comes short leaves white, not garbage. */
      gdk_pixbuf_fill (*pixbuf, 0xffffffff);
    }
  if (params->format == SANE_FRAME_RED)
    channel = 0;
  else if (params->format == SANE_FRAME_GREEN)
    channel = 1;
  else if (params->format == SANE_FRAME_BLUE)
    channel = 2;

  {
    guint8 *pixels = gdk_pixbuf_get_pixels (*pixbuf);
    int rowstride = gdk_pixbuf_get_rowstride (*pixbuf);
    int width = MIN (params->pixels_per_line, gdk_pixbuf_get_width (*pixbuf));

    lines = MIN (lines, gdk_pixbuf_get_height (*pixbuf));
    for (int y = 0; y < lines; y++)
      {
        const guint8 *row = data + (gsize) y * params->bytes_per_line;
        guint8 *out = pixels + (gsize) y * rowstride;

        for (int x = 0; x < width; x++)
          {
            if (params->format == SANE_FRAME_RGB)
              for (int c = 0; c < 3; c++)
                out[3 * x + c] = sample_at (row, 3 * x + c, params->depth);
            else if (channel >= 0)
              out[3 * x + channel] = sample_at (row, x, params->depth);
            else
              memset (out + 3 * x, sample_at (row, x, params->depth), 3);
          }
      }
  }
  return TRUE;
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanData *data = task_data;
  SANE_Handle handle = NULL;
  SANE_Parameters params;
  SANE_Status status;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GError *error = NULL;
  int pass = 0, passes = 1;

  g_mutex_lock (&sane_lock);
  if (!ensure_sane (&error))
    goto out;

  status = sane_open (data->device_name, &handle);
  if (status == SANE_STATUS_INVAL)
    {
      g_set_error (&error, PD_SANE_ERROR, PD_SANE_ERROR_NOT_FOUND,
                   _("The scanner “%s” was not found. Check that it is switched on and "
                     "connected, then choose it again."), data->device_name);
      goto out;
    }
  if (status != SANE_STATUS_GOOD)
    {
      error = error_from_status (status, data->device_name);
      goto out;
    }
  if (!apply_options (handle, data->device_name, &data->options, &data->resolution, &error))
    goto out;

  post_progress (data->progress, 0);
  do
    {
      g_autoptr(GByteArray) bytes = g_byte_array_new ();

      status = sane_start (handle);
      if (status == SANE_STATUS_GOOD)
        status = sane_get_parameters (handle, &params);
      if (status == SANE_STATUS_GOOD)
        {
          if (params.format == SANE_FRAME_RED || params.format == SANE_FRAME_GREEN
              || params.format == SANE_FRAME_BLUE)
            passes = 3;
          status = read_frame (handle, &params, bytes, data->progress, cancellable, pass, passes);
        }
      if (status != SANE_STATUS_GOOD)
        {
          error = error_from_status (status, data->device_name);
          goto out;
        }

      if (!pd_sane_frame_to_pixbuf (&params, bytes->data, bytes->len, data->device_name, &pixbuf,
                                    &error))
        goto out;
      pass++;
    }
  while (!params.last_frame && pass < 3);

  post_progress (data->progress, 1);

out:
  if (handle != NULL)
    {
      sane_cancel (handle);
      sane_close (handle);
    }
  g_mutex_unlock (&sane_lock);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&pixbuf), g_object_unref);
}

void
pd_sane_scan_async (const char              *device_name,
                    const PdSaneScanOptions *options,
                    PdSaneProgressFunc       progress,
                    gpointer                 progress_data,
                    GDestroyNotify           progress_data_free,
                    GCancellable            *cancellable,
                    GAsyncReadyCallback      callback,
                    gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  ScanData *data;

  g_return_if_fail (device_name != NULL);
  g_return_if_fail (options != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_sane_scan_async);
  data = g_new0 (ScanData, 1);
  data->device_name = g_strdup (device_name);
  data->options = *options;
  if (progress != NULL)
    {
      data->progress = g_new0 (Progress, 1);
      data->progress->ref_count = 1;
      data->progress->context = g_main_context_ref_thread_default ();
      data->progress->func = progress;
      data->progress->data = progress_data;
      data->progress->data_free = progress_data_free;
    }
  else if (progress_data_free != NULL)
    progress_data_free (progress_data);
  g_task_set_task_data (task, data, (GDestroyNotify) scan_data_free);
  g_task_run_in_thread (task, scan_thread);
}

GdkPixbuf *
pd_sane_scan_finish (GAsyncResult  *result,
                     int           *resolution,
                     GError       **error)
{
  ScanData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (resolution != NULL)
    *resolution = data->resolution;
  return g_task_propagate_pointer (G_TASK (result), error);
}

GBytes *
pd_sane_encode (GdkPixbuf   *pixbuf,
                const char  *content_type,
                int          resolution,
                GError     **error)
{
  g_autofree char *dpi = g_strdup_printf ("%d", resolution > 0 ? resolution : 72);
  g_autofree char *buffer = NULL;
  gsize size = 0;
  gboolean saved;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);

  if (g_strcmp0 (content_type, "image/png") == 0)
    saved = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", error,
                                       "x-dpi", dpi, "y-dpi", dpi, "compression", "6", NULL);
  else if (g_strcmp0 (content_type, "image/jpeg") == 0)
    saved = gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", error,
                                       "x-dpi", dpi, "y-dpi", dpi, "quality", "90", NULL);
  else
    {
      g_set_error (error, PD_SANE_ERROR, PD_SANE_ERROR_UNSUPPORTED,
                   _("Scans cannot be saved as “%s”. Save them as PNG or JPEG."), content_type);
      return NULL;
    }
  if (!saved)
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&buffer), size);
}
