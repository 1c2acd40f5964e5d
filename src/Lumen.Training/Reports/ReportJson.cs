using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lumen.Training.Reports;

/// <summary>System.Text.Json settings for <see cref="RunReport"/>: snake_case names, NaN/Infinity as the strings
/// "NaN"/"Infinity" (a metric can be undefined), enums as snake_case strings, matrices as nested arrays and
/// <see cref="TensorData"/> as shape + base64 float32.</summary>
internal static class ReportJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectNullableAnnotations = true,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        o.Converters.Add(new Int64MatrixConverter());
        o.Converters.Add(new Int64CubeConverter());
        o.Converters.Add(new TensorDataConverter());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>long[,] as [[row 0], [row 1], …].</summary>
    private sealed class Int64MatrixConverter : JsonConverter<long[,]>
    {
        public override long[,] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var rows = JsonSerializer.Deserialize<long[][]>(ref reader, options) ?? throw new JsonException("matrix: expected an array of rows.");
            int cols = rows.Length == 0 ? 0 : rows[0].Length;
            var m = new long[rows.Length, cols];
            for (int i = 0; i < rows.Length; i++)
            {
                if (rows[i].Length != cols) throw new JsonException($"matrix: row {i} has {rows[i].Length} values, row 0 has {cols}.");
                for (int j = 0; j < cols; j++) m[i, j] = rows[i][j];
            }
            return m;
        }

        public override void Write(Utf8JsonWriter writer, long[,] value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            for (int i = 0; i < value.GetLength(0); i++)
            {
                writer.WriteStartArray();
                for (int j = 0; j < value.GetLength(1); j++) writer.WriteNumberValue(value[i, j]);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
    }

    /// <summary>long[,,] as [[[…], …], …].</summary>
    private sealed class Int64CubeConverter : JsonConverter<long[,,]>
    {
        public override long[,,] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var a = JsonSerializer.Deserialize<long[][][]>(ref reader, options) ?? throw new JsonException("cube: expected an array.");
            int d1 = a.Length == 0 ? 0 : a[0].Length, d2 = d1 == 0 ? 0 : a[0][0].Length;
            var m = new long[a.Length, d1, d2];
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i].Length != d1) throw new JsonException($"cube: block {i} has {a[i].Length} rows, block 0 has {d1}.");
                for (int j = 0; j < d1; j++)
                {
                    if (a[i][j].Length != d2) throw new JsonException($"cube: row [{i}][{j}] has {a[i][j].Length} values, expected {d2}.");
                    for (int k = 0; k < d2; k++) m[i, j, k] = a[i][j][k];
                }
            }
            return m;
        }

        public override void Write(Utf8JsonWriter writer, long[,,] value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            for (int i = 0; i < value.GetLength(0); i++)
            {
                writer.WriteStartArray();
                for (int j = 0; j < value.GetLength(1); j++)
                {
                    writer.WriteStartArray();
                    for (int k = 0; k < value.GetLength(2); k++) writer.WriteNumberValue(value[i, j, k]);
                    writer.WriteEndArray();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
    }

    /// <summary>{"shape": [..], "dtype": "float32", "data": base64 of little-endian float32}.</summary>
    private sealed class TensorDataConverter : JsonConverter<TensorData>
    {
        public override TensorData Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("tensor: expected an object.");
            int[]? shape = null;
            byte[]? bytes = null;
            string dtype = "float32";
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "shape": shape = JsonSerializer.Deserialize<int[]>(ref reader, options); break;
                    case "dtype": dtype = reader.GetString() ?? ""; break;
                    case "data": bytes = reader.GetBytesFromBase64(); break;
                    default: reader.Skip(); break;
                }
            }
            if (dtype != "float32") throw new JsonException($"tensor: dtype '{dtype}' is not supported (expected float32).");
            if (shape is null || bytes is null) throw new JsonException("tensor: 'shape' and 'data' are required.");
            if (bytes.Length % 4 != 0) throw new JsonException($"tensor: data has {bytes.Length} bytes, not a whole number of float32 values.");
            var data = new float[bytes.Length / 4];
            for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
            try { return new TensorData(shape, data); }
            catch (ArgumentException e) { throw new JsonException(e.Message, e); }
        }

        public override void Write(Utf8JsonWriter writer, TensorData value, JsonSerializerOptions options)
        {
            var bytes = new byte[value.Data.Length * 4];
            for (int i = 0; i < value.Data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), value.Data[i]);
            writer.WriteStartObject();
            writer.WritePropertyName("shape");
            JsonSerializer.Serialize(writer, value.Shape, options);
            writer.WriteString("dtype", "float32");
            writer.WriteBase64String("data", bytes);
            writer.WriteEndObject();
        }
    }
}
