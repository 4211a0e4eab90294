// AuditSift: the native library's C ABI (include/auditsift.h), declared for P/Invoke.
//
// Text crosses as UTF-8 byte arrays (blittable arrays are pinned, not copied); results are copied
// out once per batch with one call per buffer. No LPUTF8Str (missing before .NET Framework 4.7).
namespace AuditSift
{
    using System;
    using System.IO;
    using System.Runtime.InteropServices;
    using System.Text;
    using Microsoft.Win32.SafeHandles;

    /// <summary>AuditsiftStatus: what every native call returns.</summary>
    internal enum NativeStatus
    {
        Ok = 0,
        NullArgument = 1,
        InvalidArgument = 2,
        OutOfBounds = 3,
        InvalidUtf8 = 4,
        Io = 5,
        Panic = 6,
    }

    /// <summary>AuditsiftTable: the integer tables of a result.</summary>
    internal enum NativeTable
    {
        Origins = 0,
        Fields = 1,
        Items = 2,
        Parameters = 3,
        Folders = 4,
        Errors = 5,
        Tree = 6,
        Sessions = 7,
        SessionValues = 8,
        ExposureMailboxes = 9,
        ExposureContexts = 10,
        ExposureFolders = 11,
        ExposureSyncs = 12,
        ExposureMessages = 13,
        ExposureUnitemized = 14,
        ExposureThrottled = 15,
        ExposureValues = 16,
        MessageAccesses = 17,
        AccessOperations = 18,
        Warnings = 19,
    }

    /// <summary>AuditsiftField: the columns of the fields table, in order.</summary>
    internal enum NativeField
    {
        CreationTime = 0,
        Id,
        Operation,
        RecordType,
        RecordTypeName,
        Workload,
        ResultStatus,
        UserId,
        UserKey,
        UserType,
        OrganizationId,
        ClientIP,
        ClientAddress,
        SessionId,
        AADSessionId,
        ClientIPAddress,
        ClientInfoString,
        LogonType,
        ExternalAccess,
        MailboxOwnerUPN,
        MailboxGuid,
        LogonUserSid,
        AppId,
        ClientAppId,
        OriginatingServer,
        MailAccessType,
        IsThrottled,
        OperationCount,
        AuditData,
        Detail,
        Count,
    }

    /// <summary>AuditsiftFilterField: what a filter value is matched against.</summary>
    internal enum NativeFilterField
    {
        SessionId = 0,
        AADSessionId = 1,
        User = 2,
        Operation = 3,
        IPAddress = 4,
    }

    /// <summary>AuditsiftItemRole.</summary>
    internal enum NativeItemRole
    {
        Affected = 0,
        Item = 1,
        Folder = 2,
        DestFolder = 3,
    }

    /// <summary>AuditsiftNodeKind: the node kinds of the full AuditData tree.</summary>
    internal enum NativeNodeKind
    {
        Null = 0,
        Bool = 1,
        Number = 2,
        String = 3,
        Object = 4,
        Array = 5,
    }

    /// <summary>AuditsiftSessionValue: the kinds of values listed for a session.</summary>
    internal enum NativeSessionValue
    {
        User = 0,
        MailboxOwner = 1,
        ClientIP = 2,
        ClientInfoString = 3,
        AADSessionId = 4,
        Operation = 5,
    }

    /// <summary>AuditsiftExposureValue: the kinds of list values of exposed messages and throttle windows.</summary>
    internal enum NativeExposureValue
    {
        MessageFolder = 0,
        MessageContext = 1,
        MessageSession = 2,
        WindowRecordId = 3,
        WindowSession = 4,
    }

    /// <summary>AuditsiftPivotKey: what a pivot key is matched against.</summary>
    internal enum NativePivotKey
    {
        AADSessionId = 0,
        InternetMessageId = 1,
        IPAddress = 2,
    }

    /// <summary>AUDITSIFT_FLAG_*.</summary>
    [Flags]
    internal enum NativeFlags : uint
    {
        None = 0,
        NoRaw = 1,
        FullTree = 2,
        /// <summary>The result keeps no records: for results only read here, never added to a collector and the like.</summary>
        TablesOnly = 4,
        /// <summary>
        /// Text that is a run of the record's own document comes back as a reference into it, (-2 - start,
        /// length) in UTF-16 units with auditsift_parse_batch_utf16 (never into a document holding a lone
        /// surrogate), instead of being copied into the text buffer.
        /// </summary>
        DocumentRefs = 8,
    }

    /// <summary>AuditsiftTally: counts that account for every document.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeTally
    {
        public ulong Read;
        public ulong Skipped;
        public ulong Rejected;
        public ulong Parsed;
        public ulong FilteredOut;
        public ulong Duplicates;
        public ulong Matched;
    }

    internal sealed class FilterHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private FilterHandle() : base(true) { }

        protected override bool ReleaseHandle()
        {
            NativeMethods.auditsift_filter_free(handle);
            return true;
        }
    }

    internal sealed class ResultHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private ResultHandle() : base(true) { }

        protected override bool ReleaseHandle()
        {
            NativeMethods.auditsift_result_free(handle);
            return true;
        }
    }

    internal sealed class CollectorHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private CollectorHandle() : base(true) { }

        protected override bool ReleaseHandle()
        {
            NativeMethods.auditsift_collector_free(handle);
            return true;
        }
    }

    internal sealed class InventoryHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private InventoryHandle() : base(true) { }

        protected override bool ReleaseHandle()
        {
            NativeMethods.auditsift_inventory_free(handle);
            return true;
        }
    }

    internal sealed class ExposureHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private ExposureHandle() : base(true) { }

        protected override bool ReleaseHandle()
        {
            NativeMethods.auditsift_exposure_free(handle);
            return true;
        }
    }

    internal sealed class PivotHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private PivotHandle() : base(true) { }

        protected override bool ReleaseHandle()
        {
            NativeMethods.auditsift_pivot_free(handle);
            return true;
        }
    }

    internal sealed class ReaderHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private ReaderHandle() : base(true) { }

        protected override bool ReleaseHandle()
        {
            NativeMethods.auditsift_reader_free(handle);
            return true;
        }
    }

    internal sealed class ReportHandle : SafeHandleZeroOrMinusOneIsInvalid
    {
        private ReportHandle() : base(true) { }

        protected override bool ReleaseHandle()
        {
            NativeMethods.auditsift_report_free(handle);
            return true;
        }
    }

    /// <summary>The P/Invoke declarations. The library path is set when the module is imported.</summary>
    internal static class NativeMethods
    {
        internal const string Library = @"__AUDITSIFT_LIB__";

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint auditsift_abi_version();

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern UIntPtr auditsift_last_error(byte[] buffer, UIntPtr length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_filter_new(out FilterHandle filter);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_filter_add(FilterHandle filter, int field, byte[] value, UIntPtr length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_filter_set_start(FilterHandle filter, long unixMilliseconds);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_filter_set_end(FilterHandle filter, long unixMilliseconds);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void auditsift_filter_free(IntPtr filter);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_parse_batch(byte[] data, UIntPtr dataLength, ulong[] offsets,
            UIntPtr documentCount, FilterHandle filter, uint flags, out ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true, EntryPoint = "auditsift_parse_batch")]
        internal static extern int auditsift_parse_batch_unfiltered(byte[] data, UIntPtr dataLength, ulong[] offsets,
            UIntPtr documentCount, IntPtr noFilter, uint flags, out ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_parse_batch_utf16(IntPtr[] documents, UIntPtr[] lengths,
            UIntPtr documentCount, FilterHandle filter, uint flags, out ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true, EntryPoint = "auditsift_parse_batch_utf16")]
        internal static extern int auditsift_parse_batch_utf16_unfiltered(IntPtr[] documents, UIntPtr[] lengths,
            UIntPtr documentCount, IntPtr noFilter, uint flags, out ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern UIntPtr auditsift_result_count(ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_result_tally(ResultHandle result, out NativeTally tally);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern UIntPtr auditsift_result_text_len(ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_result_text(ResultHandle result, byte[] buffer, UIntPtr length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern UIntPtr auditsift_result_table_len(ResultHandle result, int table);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_result_table_i32(ResultHandle result, int table, int[] buffer, UIntPtr length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_result_table(ResultHandle result, int table, long[] buffer, UIntPtr length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void auditsift_result_free(IntPtr result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_collector_new(out CollectorHandle collector);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_collector_add(CollectorHandle collector, ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_collector_finish(CollectorHandle collector, uint flags, out ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void auditsift_collector_free(IntPtr collector);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_inventory_new(out InventoryHandle inventory);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_inventory_add(InventoryHandle inventory, ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_inventory_summarize(InventoryHandle inventory, out ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void auditsift_inventory_free(IntPtr inventory);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_exposure_new(FilterHandle scope, out ExposureHandle exposure);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true, EntryPoint = "auditsift_exposure_new")]
        internal static extern int auditsift_exposure_new_unscoped(IntPtr noScope, out ExposureHandle exposure);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_exposure_parse_filter(ExposureHandle exposure, out FilterHandle filter);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_exposure_add(ExposureHandle exposure, ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_exposure_summarize(ExposureHandle exposure, out ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void auditsift_exposure_free(IntPtr exposure);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_pivot_new(out PivotHandle pivot);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_pivot_add_key(PivotHandle pivot, uint kind, byte[] value, UIntPtr length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_pivot_parse_filter(PivotHandle pivot, out FilterHandle filter);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_pivot_add(PivotHandle pivot, ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_pivot_finish(PivotHandle pivot, uint flags, out ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void auditsift_pivot_free(IntPtr pivot);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern UIntPtr auditsift_table_row_width(uint table);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_reader_open(byte[] path, UIntPtr length, out ReaderHandle reader);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_reader_next(ReaderHandle reader, UIntPtr maxDocuments, FilterHandle filter,
            uint flags, out ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true, EntryPoint = "auditsift_reader_next")]
        internal static extern int auditsift_reader_next_unfiltered(ReaderHandle reader, UIntPtr maxDocuments, IntPtr noFilter,
            uint flags, out ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_reader_progress(ReaderHandle reader, out ulong bytesRead, out ulong bytesTotal);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void auditsift_reader_free(IntPtr reader);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_report_new(FilterHandle scope, out ReportHandle report);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true, EntryPoint = "auditsift_report_new")]
        internal static extern int auditsift_report_new_unscoped(IntPtr noScope, out ReportHandle report);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_report_parse_filter(ReportHandle report, out FilterHandle filter);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_report_set_title(ReportHandle report, byte[] title, UIntPtr length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_report_add_filter_text(ReportHandle report, byte[] text, UIntPtr length);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_report_add_input(ReportHandle report, byte[] name, UIntPtr length, ulong items);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_report_add(ReportHandle report, ResultHandle result);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_report_add_rejected(ReportHandle report, byte[] source, UIntPtr sourceLength,
            byte[] reason, UIntPtr reasonLength, byte[] raw, UIntPtr rawLength);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_report_tally(ReportHandle report, out NativeTally tally);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern int auditsift_report_write(ReportHandle report, byte[] path, UIntPtr length, uint flags);

        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern void auditsift_report_free(IntPtr report);
    }

    /// <summary>The native library: where it is, whether it loads, and its error messages.</summary>
    public static class Native
    {
        /// <summary>The absolute path of the native library this interop was compiled for.</summary>
        public const string LibraryPath = NativeMethods.Library;

        /// <summary>The AUDITSIFT_ABI_VERSION this interop was written for.</summary>
        public const uint ExpectedAbiVersion = 1;

        /// <summary>The version of this C# interop; AuditSift.psm1 refuses to reuse another.</summary>
        public const int InteropVersion = 3;

        private static readonly object Gate = new object();
        private static bool loaded;

        /// <summary>
        /// Loads the library and checks its ABI version. Throws FileNotFoundException naming the path when
        /// the file is missing, and InvalidOperationException when it cannot be loaded or has another ABI.
        /// </summary>
        public static void EnsureLoaded()
        {
            lock (Gate)
            {
                if (loaded)
                {
                    return;
                }
                if (!File.Exists(LibraryPath))
                {
                    throw new FileNotFoundException(
                        "AuditSift: the native library was not found at '" + LibraryPath + "'.", LibraryPath);
                }
                uint version;
                try
                {
                    version = NativeMethods.auditsift_abi_version();
                }
                catch (DllNotFoundException e)
                {
                    throw new InvalidOperationException(
                        "AuditSift: the native library '" + LibraryPath + "' could not be loaded (wrong platform or "
                        + "architecture, or a missing system library): " + e.Message, e);
                }
                catch (BadImageFormatException e)
                {
                    throw new InvalidOperationException(
                        "AuditSift: '" + LibraryPath + "' is not a native library for this process's architecture: "
                        + e.Message, e);
                }
                catch (EntryPointNotFoundException e)
                {
                    throw new InvalidOperationException(
                        "AuditSift: '" + LibraryPath + "' is not the auditsift library (it has no auditsift_abi_version).", e);
                }
                if (version != ExpectedAbiVersion)
                {
                    throw new InvalidOperationException(
                        "AuditSift: the native library '" + LibraryPath + "' has ABI version " + version
                        + " but this module was written for version " + ExpectedAbiVersion
                        + ". Install the module and its library from the same release.");
                }
                loaded = true;
            }
        }

        /// <summary>The ABI version the library reports.</summary>
        public static uint AbiVersion()
        {
            return NativeMethods.auditsift_abi_version();
        }

        /// <summary>The calling thread's last native error message.</summary>
        internal static string LastError()
        {
            ulong length = NativeMethods.auditsift_last_error(null, UIntPtr.Zero).ToUInt64();
            if (length == 0)
            {
                return string.Empty;
            }
            byte[] buffer = new byte[(int)Math.Min(length, 1 << 20)];
            ulong copied = NativeMethods.auditsift_last_error(buffer, (UIntPtr)(ulong)buffer.Length).ToUInt64();
            return Encoding.UTF8.GetString(buffer, 0, (int)Math.Min(copied, (ulong)buffer.Length));
        }

        /// <summary>Throws with the native message when <paramref name="status"/> is not OK.</summary>
        internal static void Check(int status, string call)
        {
            if (status == (int)NativeStatus.Ok)
            {
                return;
            }
            string message = LastError();
            throw new InvalidOperationException(
                "AuditSift: " + call + " failed ("
                + (Enum.IsDefined(typeof(NativeStatus), status) ? ((NativeStatus)status).ToString() : "status " + status) + ")"
                + (message.Length > 0 ? ": " + message : "."));
        }

        /// <summary>UTF-8 bytes of a string, for the native calls that take text.</summary>
        internal static byte[] Utf8(string text)
        {
            return Encoding.UTF8.GetBytes(text ?? string.Empty);
        }

        /// <summary>
        /// Hands each value to a native function that adds one UTF-8 value (a filter's or a pivot's), skipping
        /// nulls; the library itself trims the values and ignores blank ones.
        /// </summary>
        internal static void AddEach(string[] values, Func<byte[], UIntPtr, int> add, string call)
        {
            if (values == null)
            {
                return;
            }
            foreach (string v in values)
            {
                if (v != null)
                {
                    byte[] bytes = Utf8(v);
                    Check(add(bytes, Size(bytes.Length)), call);
                }
            }
        }

        /// <summary>A size_t from an int length.</summary>
        internal static UIntPtr Size(long length)
        {
            return (UIntPtr)(ulong)length;
        }
    }
}
