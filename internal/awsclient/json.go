package awsclient

import (
	"context"
	"fmt"
	"time"
)

// The JSON-protocol services: DynamoDB (1.0), CloudWatch Logs (1.1), SQS
// (1.0).

func (c *Client) dynamodb(ctx context.Context, op string, in, out any) (string, error) {
	return c.jsonCall(ctx, "dynamodb", "1.0", "DynamoDB_20120810."+op, in, out)
}

func (c *Client) logs(ctx context.Context, op string, in, out any) (string, error) {
	return c.jsonCall(ctx, "logs", "1.1", "Logs_20140328."+op, in, out)
}

// ListTables returns every DynamoDB table name, page by page. On an error
// it returns the pages read so far with it.
func (c *Client) ListTables(ctx context.Context) ([]string, error) {
	var names []string
	in := map[string]string{}
	for {
		var page struct {
			TableNames             []string
			LastEvaluatedTableName string
		}
		if _, err := c.dynamodb(ctx, "ListTables", in, &page); err != nil {
			return names, err
		}
		names = append(names, page.TableNames...)
		if page.LastEvaluatedTableName == "" || page.LastEvaluatedTableName == in["ExclusiveStartTableName"] {
			return names, nil
		}
		in["ExclusiveStartTableName"] = page.LastEvaluatedTableName
	}
}

// KeyElement is one attribute of a table's key schema.
type KeyElement struct {
	AttributeName string
	KeyType       string // HASH or RANGE
}

// AttributeDefinition declares a key attribute's type.
type AttributeDefinition struct {
	AttributeName string
	AttributeType string // S, N or B
}

// CreateTableInput is dynamodb:CreateTable's input, as far as seki's
// commands use it.
type CreateTableInput struct {
	TableName            string
	BillingMode          string `json:",omitempty"`
	AttributeDefinitions []AttributeDefinition
	KeySchema            []KeyElement
}

// CreateTable creates a table.
func (c *Client) CreateTable(ctx context.Context, in CreateTableInput) error {
	_, err := c.dynamodb(ctx, "CreateTable", in, nil)
	return err
}

// TableStatus is a table's status (CREATING, ACTIVE, …).
func (c *Client) TableStatus(ctx context.Context, table string) (string, error) {
	var out struct{ Table struct{ TableStatus string } }
	if _, err := c.dynamodb(ctx, "DescribeTable", map[string]string{"TableName": table}, &out); err != nil {
		return "", err
	}
	return out.Table.TableStatus, nil
}

// WaitTableActive polls DescribeTable until the table is ACTIVE (the SDK's
// TableExists waiter), for at most max.
func (c *Client) WaitTableActive(ctx context.Context, table string, max time.Duration) error {
	return poll(ctx, max, func() (bool, error) {
		st, err := c.TableStatus(ctx, table)
		if Code(err) == "ResourceNotFoundException" {
			return false, nil
		}
		return st == "ACTIVE", err
	})
}

// poll calls check every 200 ms until it says done or fails, for at most
// max.
func poll(ctx context.Context, max time.Duration, check func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, max)
	defer cancel()
	for {
		done, err := check()
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("still waiting after %s", max)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Item is a DynamoDB item: attribute name → typed value ({"S": "…"},
// {"N": "…"}, …) as the JSON protocol writes it.
type Item map[string]map[string]any

// S is a string attribute value.
func S(v string) map[string]any { return map[string]any{"S": v} }

// GetItem reads an item by key, strongly consistent; nil when absent.
func (c *Client) GetItem(ctx context.Context, table string, key Item) (Item, error) {
	var out struct{ Item Item }
	_, err := c.dynamodb(ctx, "GetItem", map[string]any{"TableName": table, "Key": key, "ConsistentRead": true}, &out)
	return out.Item, err
}

// DeleteItem deletes an item by key.
func (c *Client) DeleteItem(ctx context.Context, table string, key Item) error {
	_, err := c.dynamodb(ctx, "DeleteItem", map[string]any{"TableName": table, "Key": key}, nil)
	return err
}

// DescribeLogGroups returns every log group name, page by page. On an error
// it returns the pages read so far with it.
func (c *Client) DescribeLogGroups(ctx context.Context) ([]string, error) {
	var names []string
	in := map[string]string{}
	for {
		var page struct {
			LogGroups []struct{ LogGroupName string } `json:"logGroups"`
			NextToken string                          `json:"nextToken"`
		}
		if _, err := c.logs(ctx, "DescribeLogGroups", in, &page); err != nil {
			return names, err
		}
		for _, g := range page.LogGroups {
			names = append(names, g.LogGroupName)
		}
		if page.NextToken == "" || page.NextToken == in["nextToken"] {
			return names, nil
		}
		in["nextToken"] = page.NextToken
	}
}

// LogEvent is one event of a log stream.
type LogEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
}

// FilterLogEvents returns the first page of a group's events matching
// pattern since start (Unix milliseconds).
func (c *Client) FilterLogEvents(ctx context.Context, group, pattern string, start int64) ([]LogEvent, error) {
	var out struct {
		Events []LogEvent `json:"events"`
	}
	_, err := c.logs(ctx, "FilterLogEvents", map[string]any{"logGroupName": group, "filterPattern": pattern, "startTime": start}, &out)
	return out.Events, err
}

// LogPage is one page of GetLogEvents.
type LogPage struct {
	Events           []LogEvent `json:"events"`
	NextForwardToken string     `json:"nextForwardToken"`
}

// GetLogEvents reads a page of a stream's events since start (Unix
// milliseconds), oldest first; token continues from an earlier page.
func (c *Client) GetLogEvents(ctx context.Context, group, stream string, start int64, token string) (*LogPage, error) {
	in := map[string]any{"logGroupName": group, "logStreamName": stream, "startTime": start, "startFromHead": true}
	if token != "" {
		in["nextToken"] = token
	}
	var out LogPage
	if _, err := c.logs(ctx, "GetLogEvents", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListQueues returns every SQS queue URL, page by page. On an error it
// returns the pages read so far with it.
func (c *Client) ListQueues(ctx context.Context) ([]string, error) {
	var urls []string
	in := map[string]string{}
	for {
		var page struct {
			QueueUrls []string
			NextToken string
		}
		if _, err := c.jsonCall(ctx, "sqs", "1.0", "AmazonSQS.ListQueues", in, &page); err != nil {
			return urls, err
		}
		urls = append(urls, page.QueueUrls...)
		if page.NextToken == "" || page.NextToken == in["NextToken"] {
			return urls, nil
		}
		in["NextToken"] = page.NextToken
	}
}
