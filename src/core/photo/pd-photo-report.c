/* pd-photo-report.c: reading the report of pd_photo_analyze(): the verdict, the checks, the
 * face found, its JSON, and freeing it. */
#define G_LOG_DOMAIN "pd-photo"

#include "config.h"

#include <math.h>

#include "pd-photo-private.h"

gboolean
pd_photo_report_is_compliant (const PdPhotoReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  if (report->face_count != 1)
    return FALSE;
  for (guint i = 0; i < report->checks->len; i++)
    if (!g_array_index (report->checks, PdPhotoCheck, i).passed)
      return FALSE;
  return TRUE;
}

guint
pd_photo_report_get_face_count (const PdPhotoReport *report)
{
  return report->face_count;
}

guint
pd_photo_report_get_n_checks (const PdPhotoReport *report)
{
  return report->checks->len;
}

const PdPhotoCheck *
pd_photo_report_get_check (const PdPhotoReport *report,
                           guint                index)
{
  g_return_val_if_fail (index < report->checks->len, NULL);
  return &g_array_index (report->checks, PdPhotoCheck, index);
}

const PdPhotoCheck *
pd_photo_report_find_check (const PdPhotoReport *report,
                            const char          *id)
{
  for (guint i = 0; i < report->checks->len; i++)
    if (g_str_equal (g_array_index (report->checks, PdPhotoCheck, i).id, id))
      return &g_array_index (report->checks, PdPhotoCheck, i);
  return NULL;
}

const PdFace *
pd_photo_report_get_face (const PdPhotoReport *report)
{
  return report->has_face ? &report->face : NULL;
}

/* Rounded so that the JSON does not show floating-point noise. */
static double
tidy (double value)
{
  return round (value * 1000) / 1000;
}

JsonNode *
pd_photo_report_to_json (const PdPhotoReport *report)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "compliant");
  json_builder_add_boolean_value (builder, pd_photo_report_is_compliant (report));
  json_builder_set_member_name (builder, "face_count");
  json_builder_add_int_value (builder, report->face_count);
  json_builder_set_member_name (builder, "checks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->checks->len; i++)
    {
      const PdPhotoCheck *check = &g_array_index (report->checks, PdPhotoCheck, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, check->id);
      json_builder_set_member_name (builder, "passed");
      json_builder_add_boolean_value (builder, check->passed);
      json_builder_set_member_name (builder, "measured");
      json_builder_add_boolean_value (builder, check->measured);
      json_builder_set_member_name (builder, "value");
      if (check->measured)
        json_builder_add_double_value (builder, tidy (check->value));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "limit");
      json_builder_begin_object (builder);
      if (!isnan (check->limit_min))
        {
          json_builder_set_member_name (builder, "min");
          json_builder_add_double_value (builder, tidy (check->limit_min));
        }
      if (!isnan (check->limit_max))
        {
          json_builder_set_member_name (builder, "max");
          json_builder_add_double_value (builder, tidy (check->limit_max));
        }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "unit");
      json_builder_add_string_value (builder, check->unit);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, check->message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
pd_photo_report_free (PdPhotoReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->checks, g_array_unref);
  g_free (report);
}
