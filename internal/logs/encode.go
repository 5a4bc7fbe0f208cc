package logs

import (
	"strconv"

	"github.com/seki-dev/seki/internal/jsonstr"
)

// Pages of events are the largest responses CloudWatch Logs sends (up to
// 10,000 events, 1 MB); they are encoded by hand rather than by reflection.

// MarshalJSON encodes a GetLogEvents page.
func (o *getLogEventsOutput) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 128+o.size())
	b = append(b, `{"events":[`...)
	for i := range o.Events {
		e := &o.Events[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"timestamp":`...)
		b = strconv.AppendInt(b, e.Timestamp, 10)
		b = append(b, `,"message":`...)
		b = jsonstr.Append(b, e.Message)
		b = append(b, `,"ingestionTime":`...)
		b = strconv.AppendInt(b, e.IngestionTime, 10)
		b = append(b, '}')
	}
	b = append(b, `],"nextForwardToken":`...)
	b = jsonstr.Append(b, o.NextForwardToken)
	b = append(b, `,"nextBackwardToken":`...)
	b = jsonstr.Append(b, o.NextBackwardToken)
	return append(b, '}'), nil
}

func (o *getLogEventsOutput) size() int {
	n := 0
	for i := range o.Events {
		n += len(o.Events[i].Message) + 80
	}
	return n
}

// MarshalJSON encodes a FilterLogEvents page.
func (o *filterLogEventsOutput) MarshalJSON() ([]byte, error) {
	n := 0
	for i := range o.Events {
		n += len(o.Events[i].Message) + len(o.Events[i].LogStreamName) + 160
	}
	b := make([]byte, 0, 128+n)
	b = append(b, `{"events":[`...)
	for i := range o.Events {
		e := &o.Events[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"logStreamName":`...)
		b = jsonstr.Append(b, e.LogStreamName)
		b = append(b, `,"timestamp":`...)
		b = strconv.AppendInt(b, e.Timestamp, 10)
		b = append(b, `,"message":`...)
		b = jsonstr.Append(b, e.Message)
		b = append(b, `,"ingestionTime":`...)
		b = strconv.AppendInt(b, e.IngestionTime, 10)
		b = append(b, `,"eventId":`...)
		b = jsonstr.Append(b, e.EventID)
		b = append(b, '}')
	}
	b = append(b, `],"searchedLogStreams":[]`...)
	if o.NextToken != nil {
		b = append(b, `,"nextToken":`...)
		b = jsonstr.Append(b, *o.NextToken)
	}
	return append(b, '}'), nil
}
