/*
 * registry: the NULL-terminated table of integrations, in Alertmanager
 * 0.25's receiver order, then those added later.  Adding an integration
 * is one line here and one file notifiers/<name>.c.
 */
#include "notifiers/notifier.h"

#include <string.h>

extern const struct notifier_type notifier_webhook, notifier_email,
    notifier_pagerduty, notifier_opsgenie, notifier_wechat, notifier_slack,
    notifier_victorops, notifier_pushover, notifier_sns, notifier_telegram,
    notifier_discord, notifier_webex, notifier_msteams, notifier_msteamsv2,
    notifier_jira, notifier_rocketchat, notifier_mattermost,
    notifier_incidentio;

const struct notifier_type *const notifier_types[] = {
	&notifier_webhook, &notifier_email, &notifier_pagerduty,
	&notifier_opsgenie, &notifier_wechat, &notifier_slack,
	&notifier_victorops, &notifier_pushover, &notifier_sns,
	&notifier_telegram, &notifier_discord, &notifier_webex,
	&notifier_msteams, &notifier_msteamsv2, &notifier_jira,
	&notifier_rocketchat, &notifier_mattermost, &notifier_incidentio,
	NULL
};

const struct notifier_type *
notifier_lookup_key(const char *config_key)
{
	size_t	i;

	for (i = 0; notifier_types[i] != NULL; i++)
		if (strcmp(notifier_types[i]->config_key, config_key) == 0)
			return notifier_types[i];
	return NULL;
}

const struct notifier_type *
notifier_lookup(const char *name)
{
	size_t	i;

	for (i = 0; notifier_types[i] != NULL; i++)
		if (strcmp(notifier_types[i]->name, name) == 0)
			return notifier_types[i];
	return NULL;
}
