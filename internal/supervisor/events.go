package supervisor

import (
	"github.com/berth/berth/internal/container"
	"github.com/moby/moby/api/types/events"
)

// EventSink publishes a container event; extra attributes join the
// container's name, image and labels.
type EventSink func(c *container.Container, action events.Action, extra map[string]string)
