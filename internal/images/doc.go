// Package images is the engine's image service: it lists, inspects, tags,
// removes and prunes images, imports, loads and saves them, pulls and
// pushes them through the registry client, commits containers' changes
// and runs Dockerfile builds, all on the content store (blobs), the
// snapshotter (layer trees) and the image store (records and names).
//
// It owns garbage collection of blobs and layer trees and the lock that
// keeps collection away from images still being made. What it needs from
// the container side comes through the small interfaces it declares:
// Users (which containers use an image), StepContainers and Runner (the
// containers a build's RUN steps run in, and running them to their exit).
package images
