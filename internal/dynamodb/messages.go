package dynamodb

// The texts of DynamoDB's key schema and secondary-index errors, each
// declared once. Most
// have no AWS-validated recording in LocalStack's snapshots; those quoted by
// dynalite's test suite (written against DynamoDB, github.com/mhart/dynalite
// test/createTable.js) or by real AWS responses reported in issues say so.
const (
	// source: unconfirmed the prefix of DynamoDB's parameter validation messages, as in every dynalite test/createTable.js case quoted below
	invalidParams = "One or more parameter values were invalid: "

	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for second key being hash"
	msgFirstNotHash = "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for second key not being range"
	msgSecondNotRange = "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for hash key and range key having same name" (which matches the message's end; seki keeps the "Invalid KeySchema: " its sibling messages carry)
	msgSameKeyNames = "Invalid KeySchema: Both the Hash Key and the Range Key element in the KeySchema have the same name"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for empty GlobalSecondaryIndexes list"
	msgGSIListEmpty = invalidParams + "List of GlobalSecondaryIndexes is empty"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for empty LocalSecondaryIndexes list"
	msgLSIListEmpty = invalidParams + "List of LocalSecondaryIndexes is empty"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for no range key with LocalSecondaryIndex"
	msgLSINeedsTableRange = invalidParams + "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for no range key in LocalSecondaryIndex"
	msgLSINoRange = invalidParams + "Index KeySchema does not have a range key for index: %s"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for different hash key between LocalSecondaryIndex and table"
	msgLSIHash = invalidParams + "Index KeySchema does not have the same leading hash key as table KeySchema for index: %s. index hash key: %s, table hash key: %s"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for empty Projection in LocalSecondaryIndex"
	msgUnknownProjection = invalidParams + "Unknown ProjectionType: %s"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for NonKeyAttributes with ProjectionType ALL in LocalSecondaryIndex" (and KEYS_ONLY)
	msgNonKeyNotAllowed = invalidParams + "ProjectionType is %s, but NonKeyAttributes is specified"
	// source: unconfirmed by analogy with "ProjectionType is ALL, but NonKeyAttributes is specified"
	msgNonKeyMissing = invalidParams + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"
	// source: unconfirmed seki's wording for a key attribute listed in NonKeyAttributes; key attributes are always projected
	msgNonKeyIsKey = invalidParams + "NonKeyAttributes cannot contain key attributes of the table or index: %s"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for duplicate index names in LocalSecondaryIndexes"
	msgDuplicateIndex = invalidParams + "Duplicate index name: %s"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for more than five valid LocalSecondaryIndexes"
	msgTooManyLSI = invalidParams + "Number of LocalSecondaryIndexes exceeds per-table limit of 5"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for more than twenty valid GlobalSecondaryIndexes"
	msgTooManyGSI = invalidParams + "GlobalSecondaryIndex count exceeds the per-table limit of 20"
	// source: unconfirmed moto's text (moto/dynamodb/responses.py) for definitions no key schema uses when indexes are given
	msgUnusedDefs = invalidParams + "Some AttributeDefinitions are not used. AttributeDefinitions: %s, keys used: %s"
	// source: unconfirmed quoted by dynalite test/createTable.js "should return ValidationException for missing key attr definition"
	msgUndefinedKeys = invalidParams + "Some index key attributes are not defined in AttributeDefinitions. Keys: %s, AttributeDefinitions: %s"
	// source: unconfirmed seki's wording by analogy with the table's "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
	msgGSINeedsThroughput = invalidParams + "ProvisionedThroughput must be specified for index: %s"
	// source: unconfirmed as reported from DynamoDB responses for a GSI with throughput on an on-demand table
	msgGSINoThroughput = invalidParams + "ProvisionedThroughput should not be specified for index: %s when BillingMode is PAY_PER_REQUEST"

	// source: unconfirmed quoted by dynalite's query tests and the API reference's ConsistentRead text ("you will receive a ValidationException")
	msgConsistentGSI = "Consistent reads are not supported on global secondary indexes"
	// source: unconfirmed real AWS response quoted in github.com/mapbox/dyno/issues/23 and github.com/localstack/localstack/issues/805
	msgSelectAllGSI = invalidParams + "Select type ALL_ATTRIBUTES is not supported for global secondary index %s because its projection type is not ALL"
	// source: unconfirmed real AWS response quoted in github.com/localstack/localstack/issues/478
	msgNotProjected = invalidParams + "Global secondary index %s does not project %s"
	// source: unconfirmed the message seki already gave for any IndexName; as quoted in github.com/OceanDev/ocean-dynamo/issues/41 (Aws::DynamoDB::Errors::ValidationException)
	msgNoSuchIndex = "The table does not have the specified index: %s"

	// source: unconfirmed moto's text (moto/dynamodb/responses.py validate_put_has_gsi_keys_set_to_none)
	msgIndexKeyType = invalidParams + "Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s"
	// source: unconfirmed moto's text (moto/dynamodb/responses.py) for an empty string in a secondary index key
	msgIndexKeyEmpty = "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty %s value. IndexName: %s, IndexKey: %s"

	// source: unconfirmed as CloudFormation reports DynamoDB's ValidationException for re-creating an index
	msgIndexExists = "Attempting to create an index which already exists"
	// source: unconfirmed seki's wording for deleting or updating an index the table does not have
	msgIndexNotFound = "Requested resource not found: Index: %s not found"
	// source: unconfirmed AWS's list of what UpdateTable needs
	msgUpdateTableNothing = "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required"
	// source: unconfirmed seki's wording for a GlobalSecondaryIndexUpdate with no action or several
	msgGSIUpdateOne = invalidParams + "One of Create, Update or Delete must be specified in a GlobalSecondaryIndexUpdate"
)

// DynamoDB Streams' texts (streams.go, streamsapi.go).
const (
	// source: snapshot tests/aws/services/dynamodbstreams/test_dynamodb_streams.snapshot.json#tests/aws/services/dynamodbstreams/test_dynamodb_streams.py::TestDynamoDBStreams::test_non_existent_stream
	msgStreamNotFound = "Requested resource not found: Stream: %s not found"
	// source: unconfirmed the API reference's ResourceNotFoundException for GetShardIterator of a shard the stream does not have; the wording follows the stream's
	msgShardNotFound = "Requested resource not found: Shard: %s in Stream: %s not found"
	// source: unconfirmed the API reference says an iterator that is not one GetShardIterator issued is a ValidationException; AWS's wording is not recorded
	msgBadIterator = "Invalid ShardIterator"
	// source: doc https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetRecords.html (a shard iterator expires 15 minutes after it is retrieved; AWS's wording is not recorded)
	msgIteratorExpired = "Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of 900000 milliseconds."
	// source: doc https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_GetShardIterator.html (TrimmedDataAccessException: the sequence number is beyond the trim horizon; AWS's wording is not recorded)
	msgTrimmed = "Attempted to access data that has been trimmed: sequence number %s is older than the trim horizon of the shard"
	// source: unconfirmed the API reference makes SequenceNumber required with AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER; AWS's wording is not recorded
	msgIteratorNeedsSequence = "Must specify a sequence number for shard iterator type %s"
	// source: unconfirmed the API reference says SequenceNumber goes only with AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER; AWS's wording is not recorded
	msgIteratorNoSequence = "Sequence number must not be specified for shard iterator type %s"
	// source: unconfirmed a sequence number that no record of the shard can have; AWS's wording is not recorded
	msgBadSequence = "Invalid SequenceNumber: %s"
	// source: unconfirmed UpdateTable enabling a stream on a table whose stream is enabled (AWS's wording as widely quoted, no validated recording)
	msgStreamAlreadyEnabled = "Table already has an enabled stream: TableName: %s"
	// source: unconfirmed UpdateTable disabling the stream of a table that has none enabled; AWS's wording is not recorded
	msgStreamNotEnabled = "Table does not have an enabled stream: TableName: %s"
	// source: unconfirmed the StreamSpecification reference makes StreamViewType required when StreamEnabled is true; AWS's wording is not recorded
	msgStreamNeedsView = invalidParams + "StreamViewType is required when StreamEnabled is true"
)

// Kinesis streaming destinations' texts (kinesisdest.go).
const (
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_kinesis_streaming_destination_crud
	msgKinesisNotValidState = "Table is not in a valid state to enable Kinesis Streaming Destination: "
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_kinesis_streaming_destination_crud
	msgKinesisNoDest = "No streaming destination with streamArn: %s found for table with tableName: %s"
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_kinesis_streaming_destination_crud
	msgKinesisUpdateNothing = "Streaming destination cannot be updated with given parameters: UpdateKinesisStreamingConfiguration cannot be null or contain only null values"
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_kinesis_streaming_destination_crud
	msgKinesisSamePrecision = "Invalid Request: Precision is already set to the desired value of %s for tableId: %s, kdsArn: %s"
	// source: unconfirmed seki's wording, after the recorded prefix, for enabling a stream the table already streams to
	msgKinesisAlreadyEnabled = "Table already streams to the Kinesis data stream with streamArn: %s"
	// source: doc https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/kds.html (the stream must be in the table's account and region); the wording is unconfirmed
	msgKinesisOtherAccount = "The Kinesis data stream %s is not in the table's account and region"
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_kinesis_streaming_destination_crud
	constraintPrecision = "Member must satisfy enum value set: [MILLISECOND, MICROSECOND]"
	// source: unconfirmed the request framework's constraint text, from botocore's dynamodb model
	constraintNotNull = "Member must not be null"
	// source: unconfirmed the request framework's constraint text, from StreamArn's bounds in botocore's dynamodb model
	constraintMin37 = "Member must have length greater than or equal to 37"
	// source: unconfirmed the request framework's constraint text, from StreamArn's bounds in botocore's dynamodb model
	constraintMax1024 = "Member must have length less than or equal to 1024"
)

// PartiQL's texts (partiql.go).
const (
	// source: snapshot tests/aws/services/dynamodb/test_dynamodb.snapshot.json#tests/aws/services/dynamodb/test_dynamodb.py::TestDynamoDB::test_dynamodb_execute_statement_empy_parameter
	constraintMinLenFmt = "Member must have length greater than or equal to %d"
	// source: unconfirmed the request framework's constraint text, from botocore's dynamodb model
	constraintMaxLenFmt = "Member must have length less than or equal to %d"
	// source: unconfirmed the request framework's constraint text, from botocore's dynamodb model
	constraintMinValueFmt = "Member must have value greater than or equal to %d"
	// source: unconfirmed the request framework's constraint text, from the ReturnConsumedCapacity enum of botocore's dynamodb model
	constraintReturnConsumed = "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"
	// source: unconfirmed the request framework's constraint text, from the ReturnValuesOnConditionCheckFailure enum of botocore's dynamodb model
	constraintReturnOnFailure = "Member must satisfy enum value set: [ALL_OLD, NONE]"
	// source: unconfirmed seki's own words: PartiQL statements are not run
	msgPartiQLNotServed = "seki does not run PartiQL statements (ExecuteStatement); GetItem, PutItem, UpdateItem, DeleteItem, Query and Scan are served"
)
