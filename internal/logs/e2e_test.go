package logs_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/seki-dev/seki/internal/server/servertest"
)

// The tests in this file run a real seki server (real store, real HTTP,
// real SigV4, the real policy engine) and drive it with aws-sdk-go-v2's
// CloudWatch Logs client.

const acctA = "111111111111"

func newClient(t testing.TB) (*servertest.Env, *cloudwatchlogs.Client) {
	t.Helper()
	env := servertest.Start(t)
	return env, cloudwatchlogs.NewFromConfig(env.Root(servertest.AccountA))
}

// wantErr asserts an AWS error with code and, when msg is not empty, exact
// message.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s: %q\nwant %s: %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

var ctx = context.Background()

func mustCreateGroup(t *testing.T, c *cloudwatchlogs.Client, name string) {
	t.Helper()
	if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
}

func mustCreateStream(t *testing.T, c *cloudwatchlogs.Client, group, stream string) {
	t.Helper()
	if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
		t.Fatal(err)
	}
}

func put(t *testing.T, c *cloudwatchlogs.Client, group, stream string, events ...types.InputLogEvent) *cloudwatchlogs.PutLogEventsOutput {
	t.Helper()
	out, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: events})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ev(ts int64, msg string) types.InputLogEvent {
	return types.InputLogEvent{Timestamp: aws.Int64(ts), Message: aws.String(msg)}
}

func TestLogGroups(t *testing.T) {
	env, c := newClient(t)
	before := time.Now().UnixMilli()
	mustCreateGroup(t, c, "/aws/lambda/alpha")
	mustCreateGroup(t, c, "/aws/lambda/beta")
	mustCreateGroup(t, c, "app.DataLogs")
	_, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{
		LogGroupName: aws.String("ia-group"), LogGroupClass: types.LogGroupClassInfrequentAccess,
		KmsKeyId: aws.String("arn:aws:kms:us-east-1:111111111111:key/k1"), Tags: map[string]string{"team": "a"},
	})
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/aws/lambda/alpha")})
	wantErr(t, err, "ResourceAlreadyExistsException", "The specified log group already exists")
	_, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("bad:name")})
	wantErr(t, err, "InvalidParameterException", `1 validation error detected: Value 'bad:name' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)
	_, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(strings.Repeat("a", 513))})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value '"+strings.Repeat("a", 513)+"' at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512")
	_, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("aws/reserved")})
	wantErr(t, err, "InvalidParameterException", "Log groups starting with AWS/ are reserved for AWS.")
	_, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("x"), LogGroupClass: "COLD"})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value 'COLD' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]")

	out, err := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range out.LogGroups {
		names = append(names, *g.LogGroupName)
	}
	if got := strings.Join(names, ","); got != "/aws/lambda/alpha,/aws/lambda/beta,app.DataLogs,ia-group" {
		t.Fatalf("groups %s", got)
	}
	a := out.LogGroups[0]
	if *a.Arn != "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/alpha:*" ||
		*a.LogGroupArn != "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/alpha" ||
		a.LogGroupClass != types.LogGroupClassStandard || *a.StoredBytes != 0 || *a.MetricFilterCount != 0 ||
		*a.CreationTime < before || *a.CreationTime > time.Now().UnixMilli() || a.KmsKeyId != nil || a.RetentionInDays != nil {
		t.Fatalf("group %+v", a)
	}
	if ia := out.LogGroups[3]; ia.LogGroupClass != types.LogGroupClassInfrequentAccess || aws.ToString(ia.KmsKeyId) != "arn:aws:kms:us-east-1:111111111111:key/k1" {
		t.Fatalf("ia group %+v", ia)
	}

	out, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")})
	if err != nil || len(out.LogGroups) != 2 || out.NextToken != nil {
		t.Fatalf("prefix: %v %+v", err, out)
	}
	// Patterns are case-sensitive substrings and return only three members.
	out, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("DataLogs")})
	if err != nil || len(out.LogGroups) != 1 || *out.LogGroups[0].LogGroupName != "app.DataLogs" ||
		out.LogGroups[0].LogGroupArn != nil || out.LogGroups[0].StoredBytes != nil || out.LogGroups[0].Arn == nil {
		t.Fatalf("pattern: %v %+v", err, out)
	}
	out, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("datalogs")})
	if err != nil || len(out.LogGroups) != 0 {
		t.Fatalf("pattern is case-sensitive: %v %+v", err, out)
	}
	out, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupClass: types.LogGroupClassInfrequentAccess})
	if err != nil || len(out.LogGroups) != 1 || *out.LogGroups[0].LogGroupName != "ia-group" {
		t.Fatalf("class: %v %+v", err, out)
	}
	out, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupIdentifiers: []string{"/aws/lambda/beta", "ia-group"}})
	if err != nil || len(out.LogGroups) != 2 {
		t.Fatalf("identifiers: %v %+v", err, out)
	}
	_, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("a"), LogGroupNamePattern: aws.String("b")})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(51)})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50")
	_, err = c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{NextToken: aws.String("garbage!")})
	wantErr(t, err, "InvalidParameterException", "The specified nextToken is invalid.")

	// Pagination through the SDK's paginator, one group a page.
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, &cloudwatchlogs.DescribeLogGroupsInput{Limit: aws.Int32(1)})
	names = names[:0]
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, g := range page.LogGroups {
			names = append(names, *g.LogGroupName)
		}
	}
	if pages != 4 || strings.Join(names, ",") != "/aws/lambda/alpha,/aws/lambda/beta,app.DataLogs,ia-group" {
		t.Fatalf("paged %d: %v", pages, names)
	}

	if _, err := c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/beta")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String("/aws/lambda/beta")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")

	// Groups are per account and per region.
	b := cloudwatchlogs.NewFromConfig(env.Root(servertest.AccountB))
	out, err = b.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if err != nil || len(out.LogGroups) != 0 {
		t.Fatalf("account B sees %v %+v", err, out)
	}
	west := cloudwatchlogs.NewFromConfig(env.Root(servertest.AccountA), func(o *cloudwatchlogs.Options) { o.Region = "us-west-2" })
	out, err = west.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if err != nil || len(out.LogGroups) != 0 {
		t.Fatalf("us-west-2 sees %v %+v", err, out)
	}
	mustCreateGroup(t, west, "/aws/lambda/alpha")
	out, _ = west.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if *out.LogGroups[0].Arn != "arn:aws:logs:us-west-2:111111111111:log-group:/aws/lambda/alpha:*" {
		t.Fatalf("west arn %s", *out.LogGroups[0].Arn)
	}
}

func TestLogStreams(t *testing.T) {
	_, c := newClient(t)
	const g = "/aws/lambda/fn"
	_, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(g), LogStreamName: aws.String("s")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	mustCreateGroup(t, c, g)
	for _, s := range []string{"2024/01/02/[$LATEST]bbb", "2024/01/01/[$LATEST]aaa", "2024/01/03/[1]ccc", "other"} {
		mustCreateStream(t, c, g, s)
	}
	_, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(g), LogStreamName: aws.String("other")})
	wantErr(t, err, "ResourceAlreadyExistsException", "")
	_, err = c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(g), LogStreamName: aws.String("a:b")})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*")

	now := time.Now().UnixMilli()
	put(t, c, g, "2024/01/01/[$LATEST]aaa", ev(now-3000, "a1"), ev(now-2000, "a2"))
	put(t, c, g, "2024/01/02/[$LATEST]bbb", ev(now-5000, "b1"))
	put(t, c, g, "other", ev(now-1000, "o1"))

	desc := func(in *cloudwatchlogs.DescribeLogStreamsInput) []string {
		t.Helper()
		in.LogGroupName = aws.String(g)
		out, err := c.DescribeLogStreams(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range out.LogStreams {
			names = append(names, *s.LogStreamName)
		}
		return names
	}
	for _, tc := range []struct {
		in   cloudwatchlogs.DescribeLogStreamsInput
		want string
	}{
		{cloudwatchlogs.DescribeLogStreamsInput{}, "2024/01/01/[$LATEST]aaa 2024/01/02/[$LATEST]bbb 2024/01/03/[1]ccc other"},
		{cloudwatchlogs.DescribeLogStreamsInput{Descending: aws.Bool(true)}, "other 2024/01/03/[1]ccc 2024/01/02/[$LATEST]bbb 2024/01/01/[$LATEST]aaa"},
		{cloudwatchlogs.DescribeLogStreamsInput{LogStreamNamePrefix: aws.String("2024/01/0")}, "2024/01/01/[$LATEST]aaa 2024/01/02/[$LATEST]bbb 2024/01/03/[1]ccc"},
		{cloudwatchlogs.DescribeLogStreamsInput{LogStreamNamePrefix: aws.String("2024/01/0"), Descending: aws.Bool(true)}, "2024/01/03/[1]ccc 2024/01/02/[$LATEST]bbb 2024/01/01/[$LATEST]aaa"},
		// Streams without events sort first by LastEventTime.
		{cloudwatchlogs.DescribeLogStreamsInput{OrderBy: types.OrderByLastEventTime}, "2024/01/03/[1]ccc 2024/01/02/[$LATEST]bbb 2024/01/01/[$LATEST]aaa other"},
		{cloudwatchlogs.DescribeLogStreamsInput{OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true)}, "other 2024/01/01/[$LATEST]aaa 2024/01/02/[$LATEST]bbb 2024/01/03/[1]ccc"},
		{cloudwatchlogs.DescribeLogStreamsInput{LogStreamNamePrefix: aws.String("zzz")}, ""},
	} {
		if got := strings.Join(desc(&tc.in), " "); got != tc.want {
			t.Errorf("%+v: %s\nwant %s", tc.in, got, tc.want)
		}
	}

	// Paginating in every order visits every stream once.
	for _, order := range []types.OrderBy{types.OrderByLogStreamName, types.OrderByLastEventTime} {
		for _, descending := range []bool{false, true} {
			p := cloudwatchlogs.NewDescribeLogStreamsPaginator(c, &cloudwatchlogs.DescribeLogStreamsInput{
				LogGroupName: aws.String(g), OrderBy: order, Descending: aws.Bool(descending), Limit: aws.Int32(1)})
			var got []string
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range page.LogStreams {
					got = append(got, *s.LogStreamName)
				}
			}
			want := desc(&cloudwatchlogs.DescribeLogStreamsInput{OrderBy: order, Descending: aws.Bool(descending)})
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%s desc=%v paged %v, want %v", order, descending, got, want)
			}
		}
	}

	out, err := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:111111111111:log-group:" + g), LogStreamNamePrefix: aws.String("2024/01/01")})
	if err != nil || len(out.LogStreams) != 1 {
		t.Fatalf("by ARN: %v %+v", err, out)
	}
	s := out.LogStreams[0]
	if *s.Arn != "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/fn:log-stream:2024/01/01/[$LATEST]aaa" ||
		*s.FirstEventTimestamp != now-3000 || *s.LastEventTimestamp != now-2000 || *s.StoredBytes != 0 ||
		*s.LastIngestionTime < now-1000 || !regexp.MustCompile(`^\d{56}$`).MatchString(aws.ToString(s.UploadSequenceToken)) {
		t.Fatalf("stream %+v", s)
	}
	out, _ = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(g), LogStreamNamePrefix: aws.String("2024/01/03")})
	if s := out.LogStreams[0]; s.FirstEventTimestamp != nil || s.LastEventTimestamp != nil || s.LastIngestionTime != nil || s.UploadSequenceToken != nil || s.CreationTime == nil {
		t.Fatalf("empty stream %+v", s)
	}

	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(g), OrderBy: types.OrderByLastEventTime, LogStreamNamePrefix: aws.String("x")})
	wantErr(t, err, "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(g), LogGroupIdentifier: aws.String(g)})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(g), NextToken: aws.String("bm9wZQ")})
	wantErr(t, err, "InvalidParameterException", "The specified nextToken is invalid.")

	// Deleting the group removes its streams and events.
	if _, err := c.DeleteLogGroup(ctx, &cloudwatchlogs.DeleteLogGroupInput{LogGroupName: aws.String(g)}); err != nil {
		t.Fatal(err)
	}
	mustCreateGroup(t, c, g)
	if names := desc(&cloudwatchlogs.DescribeLogStreamsInput{}); len(names) != 0 {
		t.Fatalf("streams survived deletion: %v", names)
	}
	fo, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(g)})
	if err != nil || len(fo.Events) != 0 {
		t.Fatalf("events survived deletion: %v %+v", err, fo)
	}
}

func TestPutLogEvents(t *testing.T) {
	_, c := newClient(t)
	const g, s = "app", "main"
	now := time.Now().UnixMilli()
	_, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), LogEvents: []types.InputLogEvent{ev(now, "x")}})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	mustCreateGroup(t, c, g)
	_, err = c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), LogEvents: []types.InputLogEvent{ev(now, "x")}})
	wantErr(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
	mustCreateStream(t, c, g, s)

	out := put(t, c, g, s, ev(now-10, "first"), ev(now-10, "second"), ev(now, "third"))
	if !regexp.MustCompile(`^\d{56}$`).MatchString(aws.ToString(out.NextSequenceToken)) || out.RejectedLogEventsInfo != nil {
		t.Fatalf("put: %+v", out)
	}
	// Sequence tokens are ignored: a bogus one is accepted.
	if _, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s),
		LogEvents: []types.InputLogEvent{ev(now, "fourth")}, SequenceToken: aws.String("123")}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		events []types.InputLogEvent
		code   string
		msg    string
	}{
		{"order", []types.InputLogEvent{ev(now, "b"), ev(now-1, "a")}, "InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order."},
		{"span", []types.InputLogEvent{ev(now-25*3600*1000, "a"), ev(now, "b")}, "InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."},
		{"event size", []types.InputLogEvent{ev(now, strings.Repeat("x", 1048576-25))}, "InvalidParameterException", "Log event too large: 1048577 bytes exceeds limit of 1048576"},
		{"batch size", []types.InputLogEvent{ev(now, strings.Repeat("x", 600000)), ev(now, strings.Repeat("y", 600000))}, "InvalidParameterException", "Upload too large: 1200052 bytes exceeds limit of 1048576"},
		{"empty", []types.InputLogEvent{}, "InvalidParameterException", "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"empty message", []types.InputLogEvent{ev(now, "a"), ev(now, "")}, "InvalidParameterException", "1 validation error detected: Value '' at 'logEvents.2.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{"negative", []types.InputLogEvent{ev(-5, "a")}, "InvalidParameterException", "1 validation error detected: Value '-5' at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must have value greater than or equal to 0"},
	} {
		_, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), LogEvents: tc.events})
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		t.Run(tc.name, func(t *testing.T) { wantErr(t, err, tc.code, tc.msg) })
	}
	many := make([]types.InputLogEvent, 10001)
	for i := range many {
		many[i] = ev(now, "m")
	}
	_, err = c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), LogEvents: many})
	wantErr(t, err, "InvalidParameterException", "")
	// 10,000 events and exactly 1 MB are accepted.
	full := many[:10000]
	big := 1048576/10000 - 26
	for i := range full {
		full[i] = ev(now, strings.Repeat("z", big))
	}
	mustCreateStream(t, c, g, "full")
	put(t, c, g, "full", full...)

	// Too old and too new events are rejected, the rest kept.
	old := now - 15*24*3600*1000
	out = put(t, c, g, s, ev(old, "old1"), ev(old+1, "old2"), ev(now+1, "ok"), ev(now+3*3600*1000, "new"))
	r := out.RejectedLogEventsInfo
	if r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 2 || aws.ToInt32(r.TooNewLogEventStartIndex) != 3 || r.ExpiredLogEventEndIndex != nil {
		t.Fatalf("rejected %+v", r)
	}
	got, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, e := range got.Events {
		msgs = append(msgs, *e.Message)
	}
	if strings.Join(msgs, ",") != "first,second,third,fourth,ok" {
		t.Fatalf("stored %v", msgs)
	}
	// All rejected: still a success, nothing stored.
	out = put(t, c, g, s, ev(old, "old"))
	if out.RejectedLogEventsInfo == nil || aws.ToInt32(out.RejectedLogEventsInfo.TooOldLogEventEndIndex) != 1 {
		t.Fatalf("all old %+v", out.RejectedLogEventsInfo)
	}

	groups, _ := c.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	if b := *groups.LogGroups[0].StoredBytes; b != int64(len("firstsecondthirdfourthok"))+int64(10000*big) {
		t.Fatalf("storedBytes %d", b)
	}
}

func TestGetLogEvents(t *testing.T) {
	_, c := newClient(t)
	const g, s = "app", "main"
	mustCreateGroup(t, c, g)
	mustCreateStream(t, c, g, s)
	base := time.Now().UnixMilli() - 100000
	var events []types.InputLogEvent
	for i := range 10 {
		events = append(events, ev(base+int64(i/2)*1000, fmt.Sprintf("e%d", i))) // two events per second
	}
	put(t, c, g, s, events...)

	get := func(in cloudwatchlogs.GetLogEventsInput) (*cloudwatchlogs.GetLogEventsOutput, string) {
		t.Helper()
		in.LogGroupName, in.LogStreamName = aws.String(g), aws.String(s)
		out, err := c.GetLogEvents(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		var m []string
		for _, e := range out.Events {
			m = append(m, *e.Message)
			if *e.IngestionTime < base || *e.Timestamp < base {
				t.Fatalf("event %+v", e)
			}
		}
		return out, strings.Join(m, ",")
	}
	tokenRe := regexp.MustCompile(`^[fb]/\d{56}/s$`)

	// Default: the latest events, oldest first.
	out, m := get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(3)})
	if m != "e7,e8,e9" || !tokenRe.MatchString(*out.NextForwardToken) || !tokenRe.MatchString(*out.NextBackwardToken) {
		t.Fatalf("tail: %s %s %s", m, *out.NextForwardToken, *out.NextBackwardToken)
	}
	// Backward from there.
	out, m = get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(3), NextToken: out.NextBackwardToken})
	if m != "e4,e5,e6" {
		t.Fatalf("backward: %s", m)
	}

	// Forward from the head, in pages of 4, until the token repeats.
	var all []string
	tok := (*string)(nil)
	for i := 0; ; i++ {
		out, m := get(cloudwatchlogs.GetLogEventsInput{Limit: aws.Int32(4), StartFromHead: aws.Bool(true), NextToken: tok})
		if m != "" {
			all = append(all, m)
		}
		if tok != nil && *out.NextForwardToken == *tok {
			if m != "" {
				t.Fatalf("end with events %s", m)
			}
			break
		}
		tok = out.NextForwardToken
		if i > 10 {
			t.Fatal("pagination does not end")
		}
	}
	if strings.Join(all, "|") != "e0,e1,e2,e3|e4,e5,e6,e7|e8,e9" {
		t.Fatalf("forward pages %v", all)
	}
	// A new event after the end shows up on the next forward read.
	put(t, c, g, s, ev(base+9000, "late"))
	_, m = get(cloudwatchlogs.GetLogEventsInput{StartFromHead: aws.Bool(true), NextToken: tok})
	if m != "late" {
		t.Fatalf("after end: %s", m)
	}

	// startTime is inclusive, endTime exclusive.
	_, m = get(cloudwatchlogs.GetLogEventsInput{StartFromHead: aws.Bool(true), StartTime: aws.Int64(base + 1000), EndTime: aws.Int64(base + 3000)})
	if m != "e2,e3,e4,e5" {
		t.Fatalf("time range: %s", m)
	}

	_, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String(s)})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), NextToken: aws.String("f/123/s")})
	wantErr(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String(s), Limit: aws.Int32(10001)})
	wantErr(t, err, "InvalidParameterException", "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000")

	// An empty stream still answers with tokens.
	mustCreateStream(t, c, g, "empty")
	eo, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(g), LogStreamName: aws.String("empty")})
	if err != nil || len(eo.Events) != 0 || !tokenRe.MatchString(aws.ToString(eo.NextForwardToken)) || !tokenRe.MatchString(aws.ToString(eo.NextBackwardToken)) {
		t.Fatalf("empty stream: %v %+v", err, eo)
	}
}

func TestFilterLogEvents(t *testing.T) {
	_, c := newClient(t)
	const g = "/aws/lambda/fn"
	mustCreateGroup(t, c, g)
	base := time.Now().UnixMilli() - 60000
	mustCreateStream(t, c, g, "s1")
	mustCreateStream(t, c, g, "s2")
	mustCreateStream(t, c, g, "x3")
	put(t, c, g, "s1", ev(base+0, "START RequestId: r1"), ev(base+20, "[ERROR] boom r1"), ev(base+40, "END RequestId: r1"))
	put(t, c, g, "s2", ev(base+10, "START RequestId: r2"), ev(base+30, `{"level":"WARN","latency":250}`), ev(base+50, "END RequestId: r2"))
	put(t, c, g, "x3", ev(base+25, "[ERROR] other"))

	filter := func(in cloudwatchlogs.FilterLogEventsInput) (*cloudwatchlogs.FilterLogEventsOutput, string) {
		t.Helper()
		in.LogGroupName = aws.String(g)
		out, err := c.FilterLogEvents(ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		var m []string
		for _, e := range out.Events {
			m = append(m, *e.LogStreamName+":"+*e.Message)
		}
		return out, strings.Join(m, " | ")
	}

	out, m := filter(cloudwatchlogs.FilterLogEventsInput{})
	if m != `s1:START RequestId: r1 | s2:START RequestId: r2 | s1:[ERROR] boom r1 | x3:[ERROR] other | s2:{"level":"WARN","latency":250} | s1:END RequestId: r1 | s2:END RequestId: r2` {
		t.Fatalf("interleaved: %s", m)
	}
	if out.NextToken != nil || out.SearchedLogStreams == nil || len(out.SearchedLogStreams) != 0 {
		t.Fatalf("token %v searched %v", out.NextToken, out.SearchedLogStreams)
	}
	e := out.Events[0]
	if !regexp.MustCompile(`^\d{56}$`).MatchString(*e.EventId) || *e.Timestamp != base || *e.IngestionTime < base {
		t.Fatalf("event %+v", e)
	}

	for _, tc := range []struct {
		in   cloudwatchlogs.FilterLogEventsInput
		want string
	}{
		{cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("ERROR")}, "s1:[ERROR] boom r1 | x3:[ERROR] other"},
		{cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("ERROR -other")}, "s1:[ERROR] boom r1"},
		{cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("?START ?boom")}, "s1:START RequestId: r1 | s2:START RequestId: r2 | s1:[ERROR] boom r1"},
		{cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`"RequestId: r2"`)}, "s2:START RequestId: r2 | s2:END RequestId: r2"},
		{cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`{ $.latency > 100 }`)}, `s2:{"level":"WARN","latency":250}`},
		{cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String(`%r[12]$%`)}, "s1:START RequestId: r1 | s2:START RequestId: r2 | s1:[ERROR] boom r1 | s1:END RequestId: r1 | s2:END RequestId: r2"},
		{cloudwatchlogs.FilterLogEventsInput{LogStreamNames: []string{"s2", "missing"}}, `s2:START RequestId: r2 | s2:{"level":"WARN","latency":250} | s2:END RequestId: r2`},
		{cloudwatchlogs.FilterLogEventsInput{LogStreamNamePrefix: aws.String("s"), FilterPattern: aws.String("ERROR")}, "s1:[ERROR] boom r1"},
		// startTime and endTime are both inclusive.
		{cloudwatchlogs.FilterLogEventsInput{StartTime: aws.Int64(base + 20), EndTime: aws.Int64(base + 30)}, `s1:[ERROR] boom r1 | x3:[ERROR] other | s2:{"level":"WARN","latency":250}`},
	} {
		if _, m := filter(tc.in); m != tc.want {
			t.Errorf("%+v:\n got %s\nwant %s", tc.in, m, tc.want)
		}
	}

	// Pagination: two events a page, seven events.
	p := cloudwatchlogs.NewFilterLogEventsPaginator(c, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(g), Limit: aws.Int32(2)})
	var pages []int
	n := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, len(page.Events))
		n += len(page.Events)
	}
	if n != 7 || fmt.Sprint(pages) != "[2 2 2 1]" {
		t.Fatalf("pages %v", pages)
	}
	// A page that ends exactly at the last match carries no token.
	out, _ = filter(cloudwatchlogs.FilterLogEventsInput{FilterPattern: aws.String("ERROR"), Limit: aws.Int32(2)})
	if len(out.Events) != 2 || out.NextToken != nil {
		t.Fatalf("exact page: %d events, token %v", len(out.Events), out.NextToken)
	}

	_, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(g), FilterPattern: aws.String("?Status: timeout")})
	wantErr(t, err, "InvalidParameterException", "Invalid character(s) in term ':'")
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(g), FilterPattern: aws.String(`{ $.a = 1`)})
	wantErr(t, err, "InvalidParameterException", "If a filter pattern starts with '{' it must end with '}'")
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(g), LogStreamNames: []string{"s1"}, LogStreamNamePrefix: aws.String("s")})
	wantErr(t, err, "InvalidParameterException", "")
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("nope")})
	wantErr(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(g), NextToken: aws.String("xyz")})
	wantErr(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
}
