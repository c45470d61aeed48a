// Package filter selects containers as `docker ps` and `docker container
// prune` filter them: it checks a request's filters in Docker's words,
// resolves the ones that name other containers or images once, and then
// matches records against them.
package filter
