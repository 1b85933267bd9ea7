// What the kiosk says when the station refuses or fails: one human sentence per refusal, in the
// resident's language, with what to do next (error_sentence in decide.cpp picks the key). Also
// the labels of the receipt's check code on the progress and report-done screens.
// Thread-safety: constant data; any thread may read it.
#include "string_tables.hpp"

namespace weimin::kiosk {

const std::vector<StringEntry>& error_strings() {
  static const std::vector<StringEntry> table = {
      // Whatever the action: the station or a device cannot be reached now, or is broken.
      {"error.unavailable", "暂时无法办理，请稍后再试；如仍不行，请到窗口咨询工作人员。",
       "This cannot be done just now. Please try again in a moment, or ask at a window."},
      {"error.system", "系统出了问题，这一步没有完成。请到窗口咨询工作人员。",
       "Something went wrong in the system and this was not done. Please ask at a window."},
      {"error.not_allowed", "这一步需要工作人员办理，请到窗口咨询。",
       "Staff need to do this step. Please ask at a window."},
      {"error.other", "这一步没有完成。请检查后再试，或到窗口咨询工作人员。",
       "This was not done. Please check and try again, or ask at a window."},
      // Take a number
      {"error.take.invalid", "这项业务现在不能在本站取号。请选择其他业务，或到窗口咨询工作人员。",
       "This service cannot be queued for at this station now. Please choose another, or ask "
       "at a window."},
      // Report a problem
      {"error.report.invalid", "没能提交：请检查所选的问题类别和内容后再试，或到窗口咨询工作人员。",
       "Not sent: please check the kind of problem and what you wrote, then try again, or ask "
       "at a window."},
      // Check progress
      {"error.progress.not_found",
       "没有查到：请核对回执上的查询码，以及电话后四位或回执上的验证码，再试一次；也可到窗口咨询。",
       "Nothing found: check the tracking number and the last four phone digits or the "
       "receipt's check code, and try again, or ask at a window."},
      {"error.progress.bad_code", "查询码不完整或有错字，请对照回执重新输入。",
       "The tracking number is incomplete or has a wrong character. Please type it again from "
       "your receipt."},
      // Rate
      {"error.rate.need_ref", "请先输入小票上的号码或回执上的查询码。",
       "Please type the number on your ticket or the tracking number on your receipt first."},
      {"error.rate.not_found", "没有找到今天的这个号码。请核对小票后再试，或到窗口咨询工作人员。",
       "No such number today. Please check your ticket and try again, or ask at a window."},
      {"error.rate.not_now",
       "这个号码现在不能评价：办理完成后才能评价，每次服务只评价一次。谢谢您！",
       "This number cannot be rated now: a service is rated once, after it is done. Thank you!"},
      // Book and check in
      {"error.book.invalid", "没能预约：请检查手机号码，或换一个时段再试。",
       "Not booked: please check the phone number, or choose another time."},
      {"error.book.full", "这个时段已约满，请换一个时段。",
       "This time is fully booked. Please choose another time."},
      {"error.checkin.none", "今天没有用这个手机号码的预约。请核对号码，或到窗口咨询工作人员。",
       "There is no booking today with this phone number. Please check it, or ask at a window."},
      {"error.checkin.not_now",
       "这个预约现在不能签到（可能已签到或已取消）。请到窗口咨询工作人员。",
       "This booking cannot be checked in now (it may be checked in or cancelled already). "
       "Please ask at a window."},
      // Staff
      {"error.signin.wrong", "工号或密码不对，请重新输入。",
       "Wrong staff number or PIN. Please try again."},
      {"error.signin.locked", "密码错误次数过多，已暂时锁定 15 分钟。请稍后再试，或请站长协助。",
       "Too many wrong PINs: locked for 15 minutes. Try again later, or ask the director."},
      {"error.console.none", "现在没有可叫的号码。", "There is no number to call now."},
      {"error.console.busy", "本窗口还在办理上一位，请先办结、过号或转窗。",
       "This window is still serving someone. Finish, mark no-show or transfer first."},
      {"error.console.invalid", "这个操作在本窗口不能进行，请检查窗口号。",
       "This cannot be done at this window. Please check the window number."},
      {"error.console.denied", "您的岗位不能进行这个操作，请站长协助。",
       "Your role may not do this. Please ask the director."},
      {"error.walk_in.invalid", "没能记录：请检查问题类别、内容和身份证号。",
       "Not recorded: please check the kind of problem, the description and the ID number."},
      {"error.case_desk.conflict",
       "这一步现在不能做：案件已到了别的环节。请看案件的最新进展后再办理。",
       "This step cannot be taken now: the case has moved on. Look at its latest steps first."},
      {"error.case_desk.invalid", "这一步没能记录：请检查填写的内容和所选的部门。",
       "This step was not recorded: please check what was filled in and the departments chosen."},
      {"error.case_desk.not_found", "没有找到这个案件，请刷新列表后再试。",
       "This case was not found. Please refresh the list and try again."},
      {"error.staff_detail", "详情：{}", "Detail: {}"},
      // The check code on the report-done and progress screens (the lead's resident.cpp).
      {"progress.second_label", "手机后四位或回执上的验证码",
       "Last 4 phone digits or the receipt's check code"},
      {"progress.second_short", "后四位/验证码", "Phone/check code"},
      {"report.check_code", "验证码：{}", "Check code: {}"},
      {"report.check_code_label", "验证码（查询进度用，请妥善保管）",
       "Check code (to follow your case; keep it safe)"},
      {"report.keep_check",
       "请记下查询码和验证码：在本机“进度查询”输入两者即可查看办理进度，也可到窗口查询。",
       "Keep the tracking number and the check code: type both in Check progress here, or ask "
       "at a window."},
      {"report.printed", "回执已打印，请取走。", "Your receipt is printed. Please take it."},
      {"report.printer_failed", "打印机故障，回执未能打印。请记下屏幕上的查询码和验证码。",
       "The printer failed and no receipt was printed. Please note the codes on the screen."},
  };
  return table;
}

}  // namespace weimin::kiosk
