/* pd-central-faults.c: deterministic fault injection. */
#define G_LOG_DOMAIN "passdesk-central"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "pd-central-faults.h"

struct _PdCentralFaults
{
  GRand  *rand;
  double  probability[PD_CENTRAL_N_FAULTS];
  guint   retry_after;
};

static const char * const fault_names[PD_CENTRAL_N_FAULTS] = {
  [PD_CENTRAL_FAULT_NONE] = "none",
  [PD_CENTRAL_FAULT_503] = "503",
  [PD_CENTRAL_FAULT_500] = "500",
  [PD_CENTRAL_FAULT_GARBAGE] = "garbage",
  [PD_CENTRAL_FAULT_TRUNCATE] = "truncate",
  [PD_CENTRAL_FAULT_SLOW] = "slow",
  [PD_CENTRAL_FAULT_COMMIT_THEN_503] = "commit-then-503",
};

const char *
pd_central_fault_to_string (PdCentralFault fault)
{
  g_return_val_if_fail (fault < PD_CENTRAL_N_FAULTS, NULL);
  return fault_names[fault];
}

static PdCentralFaults *
spec_error (PdCentralFaults  *faults,
            GError          **error,
            const char       *item)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("“%s” is not a fault: write MODE:PROBABILITY (modes 503, 500, garbage, truncate, slow, commit-then-503; probabilities adding up to at most 1) or retry-after:SECONDS"),
               item);
  pd_central_faults_free (faults);
  return NULL;
}

PdCentralFaults *
pd_central_faults_new (const char  *spec,
                       guint32      seed,
                       GError     **error)
{
  PdCentralFaults *faults = g_new0 (PdCentralFaults, 1);
  g_auto(GStrv) items = g_strsplit (spec, ",", -1);
  double total = 0;

  faults->retry_after = 1;
  for (guint i = 0; items[i]; i++)
    {
      char *item = g_strstrip (items[i]);
      char *colon = strchr (item, ':');
      const char *value;
      char *end = NULL;
      guint mode;

      if (*item == '\0')
        continue;
      if (colon == NULL)
        return spec_error (faults, error, item);
      *colon = '\0';
      value = colon + 1;

      if (g_str_equal (item, "retry-after"))
        {
          guint64 seconds;

          *colon = ':';
          if (!g_ascii_string_to_unsigned (value, 10, 0, 3600, &seconds, NULL))
            return spec_error (faults, error, item);
          faults->retry_after = (guint) seconds;
          continue;
        }

      for (mode = PD_CENTRAL_FAULT_503; mode < PD_CENTRAL_N_FAULTS; mode++)
        if (g_str_equal (item, fault_names[mode]))
          break;
      *colon = ':';
      if (mode == PD_CENTRAL_N_FAULTS)
        return spec_error (faults, error, item);
      faults->probability[mode] = g_ascii_strtod (value, &end);
      if (end == value || *end != '\0' || !(faults->probability[mode] >= 0 && faults->probability[mode] <= 1))
        return spec_error (faults, error, item);
      total += faults->probability[mode];
    }
  if (total > 1.0 + 1e-9)
    return spec_error (faults, error, spec);

  faults->rand = g_rand_new_with_seed (seed);
  return faults;
}

void
pd_central_faults_free (PdCentralFaults *faults)
{
  if (faults == NULL)
    return;
  g_clear_pointer (&faults->rand, g_rand_free);
  g_free (faults);
}

PdCentralFault
pd_central_faults_draw (PdCentralFaults *faults)
{
  double roll = g_rand_double (faults->rand);
  double sum = 0;

  for (guint mode = PD_CENTRAL_FAULT_503; mode < PD_CENTRAL_N_FAULTS; mode++)
    {
      sum += faults->probability[mode];
      if (roll < sum)
        return mode;
    }
  return PD_CENTRAL_FAULT_NONE;
}

void
pd_central_faults_fill_garbage (PdCentralFaults *faults,
                                guint8          *buffer,
                                gsize            length)
{
  for (gsize i = 0; i < length; i++)
    buffer[i] = (guint8) g_rand_int_range (faults->rand, 0, 256);
  /* A body opening with a byte JSON never starts with cannot parse by chance. */
  if (length > 0)
    buffer[0] = 0xff;
}

guint
pd_central_faults_get_retry_after (PdCentralFaults *faults)
{
  return faults->retry_after;
}
