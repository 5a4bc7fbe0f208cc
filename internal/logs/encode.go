package logs

import (
	"strconv"
	"unicode/utf8"
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
		b = appendString(b, e.Message)
		b = append(b, `,"ingestionTime":`...)
		b = strconv.AppendInt(b, e.IngestionTime, 10)
		b = append(b, '}')
	}
	b = append(b, `],"nextForwardToken":`...)
	b = appendString(b, o.NextForwardToken)
	b = append(b, `,"nextBackwardToken":`...)
	b = appendString(b, o.NextBackwardToken)
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
		b = appendString(b, e.LogStreamName)
		b = append(b, `,"timestamp":`...)
		b = strconv.AppendInt(b, e.Timestamp, 10)
		b = append(b, `,"message":`...)
		b = appendString(b, e.Message)
		b = append(b, `,"ingestionTime":`...)
		b = strconv.AppendInt(b, e.IngestionTime, 10)
		b = append(b, `,"eventId":`...)
		b = appendString(b, e.EventID)
		b = append(b, '}')
	}
	b = append(b, `],"searchedLogStreams":[]`...)
	if o.NextToken != nil {
		b = append(b, `,"nextToken":`...)
		b = appendString(b, *o.NextToken)
	}
	return append(b, '}'), nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Control characters are escaped
// and invalid UTF-8 becomes U+FFFD, as encoding/json does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
