"""The reminder contract every app registers with: the shapes of a reminder (`types`), the registry of sources
(`registry`) and the reminder machinery's own rule parameters (`rules`). It sits on the ground floor so that the
apps that own the records reminded of import only it; `dangjian.reminders` runs the job, stores and shows the
results, and imports no domain app."""
