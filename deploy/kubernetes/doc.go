// Package kubernetes holds the manifests that run mfpscan on Kubernetes: an
// Indexed Job sweeping the shards in parallel, the merge Job, the policy,
// waiver and data ConfigMaps, and a CronJob variant (docs/INTEGRATIONS.md).
// Its tests decode every manifest strictly into the API types and run the
// shards as local processes against the lab. It has no code of its own.
package kubernetes
